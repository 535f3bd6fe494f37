import { generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { CookieJar, TEST_APP_URL } from "./app";

/**
 * A real, certified OpenID Connect provider (node oidc-provider) in the test process, on a free
 * port of 127.0.0.1: Schakel discovers it, sends browsers to it and exchanges codes with it, as it
 * would with Entra ID or Google. Its login page is a one-field form ("which account"), so a test
 * (or Chromium) signs in as any of the accounts it was given, with the `amr` each account reports.
 */

export type TestAccount = { email?: string; emailVerified?: boolean; name?: string; amr?: string[]; hd?: string };

export type TestProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Adds or changes an account; its id is the subject (`sub`). */
  account(subject: string, account: TestAccount): void;
  stop(): Promise<void>;
  /** Starts listening again on the same port (after `stop`, to play a provider coming back). */
  restart(): Promise<void>;
};

export async function startTestProvider(options: { clientId?: string; clientSecret?: string; redirectUri?: string } = {}): Promise<TestProvider> {
  const clientId = options.clientId ?? "schakel";
  const clientSecret = options.clientSecret ?? "a-client-secret-long-enough-for-hs256-0123456789";
  const accounts = new Map<string, TestAccount>();
  // The provider needs its issuer (with the port) before it exists, so the server listens first.
  const handle: { request?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const server: Server = createServer((req, res) => (handle.request ? handle.request(req, res) : res.end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  // Its own signing key, so no two test providers share one (and none is oidc-provider's development key).
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: `test-${port}`, alg: "RS256", use: "sig" }] },
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [options.redirectUri ?? `${TEST_APP_URL}/auth/oidc/callback`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    }],
    claims: { openid: ["sub", "amr", "acr", "auth_time"], email: ["email", "email_verified"], profile: ["name", "hd"] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    cookies: { keys: ["test-cookie-key-0123456789"] },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          ...(account.email !== undefined && { email: account.email }),
          ...(account.emailVerified !== undefined && { email_verified: account.emailVerified }),
          ...(account.name !== undefined && { name: account.name }),
          ...(account.hd !== undefined && { hd: account.hd }),
        }),
      };
    },
  });
  // The provider's own errors are part of what the tests provoke; they need not fill the output.
  provider.on("server_error", () => {});
  const callback = provider.callback();

  handle.request = (req, res) => {
    const match = /^\/interaction\/([^/?]+)/.exec(req.url ?? "");
    if (!match) return callback(req, res);
    void interaction(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  };

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (req.method === "GET") {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(`<!doctype html><html lang="en"><title>Test identity provider</title><h1>Sign in at the school</h1>
<form method="post" action="/interaction/${details.uid}"><label>Account <input name="login" autofocus></label><button type="submit">Sign in</button></form></html>`);
      return;
    }
    const body = await new Promise<string>((resolve) => {
      let text = "";
      req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      req.on("end", () => resolve(text));
    });
    const accountId = new URLSearchParams(body).get("login") ?? "";
    const account = accounts.get(accountId);
    if (!account) return provider.interactionFinished(req, res, { error: "access_denied", error_description: "<b>no such account</b>" }, { mergeWithLastSubmission: false });
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id! });
    grant.addOIDCScope("openid email profile");
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId, ...(account.amr && { amr: account.amr }) }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  return {
    issuer,
    clientId,
    clientSecret,
    account: (subject, account) => void accounts.set(subject, account),
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
    restart: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
  };
}

/**
 * A browser at the provider: follows its redirects, signs in as `subject` on its login form, and
 * returns the address the provider sends the browser back to (Schakel's callback at `appUrl`, with code and state).
 */
export async function signInAtProvider(authorizationUrl: string, subject: string, jar = new CookieJar(), appUrl = TEST_APP_URL): Promise<URL> {
  let url = new URL(authorizationUrl);
  let method = "GET";
  let body: string | undefined;
  for (let hop = 0; hop < 12; hop++) {
    if (url.origin === new URL(appUrl).origin) return url;
    const headers: Record<string, string> = {};
    if (jar.size) headers.cookie = jar.header();
    if (body) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await fetch(url, { method, headers, body, redirect: "manual" });
    jar.store(response);
    const location = response.headers.get("location");
    if (location) {
      url = new URL(location, url);
      method = "GET";
      body = undefined;
      continue;
    }
    if (response.status === 200 && /\/interaction\//.test(url.pathname)) {
      await response.text();
      method = "POST";
      body = new URLSearchParams({ login: subject }).toString();
      continue;
    }
    throw new Error(`The provider answered ${response.status} at ${url.pathname}: ${(await response.text()).slice(0, 300)}`);
  }
  throw new Error("Too many redirects at the provider");
}
