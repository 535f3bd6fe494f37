import path from "node:path";
import { getConnInfo } from "@hono/node-server/conninfo";
import { serveStatic } from "@hono/node-server/serve-static";
import type { AppLoadContext, ServerBuild } from "@remix-run/server-runtime";
import { type Context, Hono } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { createApi } from "./api";
import { authenticateApiToken } from "./auth/api-tokens";
import { SESSION_COOKIE } from "./auth/sessions";
import type { AppServices } from "./context";
import { MAX_DOCUMENT_BYTES } from "./domains/documents/documents.service";
import { MAX_IMPORT_BYTES } from "./domains/imports/imports.parse";
import { runInRegionScope } from "./db/region-scope";
import { isDatabaseUnavailable } from "./db/unavailable";
import { AppError } from "./errors";
import { apiErrorResponse } from "./http/api-errors";
import { DOWNLOAD_CSP } from "./http/downloads";
import { isOwnOrigin, refuseOtherHosts, withoutHostForwarding } from "./http/hosts";
import { streamingBodyLimit as bodyLimit } from "./http/body-limit";
import { concurrencyGate } from "./http/concurrency-gate";
import { clientAddressOf } from "./http/client-address";
import type { HonoEnv } from "./http/env";
import { renderFeed } from "./domains/feeds/feeds.service";
import { INBOUND_MAIL_PATH } from "./domains/mail-capture/inbound-mail.routes";
import { MAX_MESSAGE_BYTES } from "./domains/mail-capture/mail-capture.service";
import * as pageServices from "./page-services";

declare module "@remix-run/server-runtime" {
  interface AppLoadContext {
    /** What pages call on the server: one copy of the domain for the whole process (decision 140). */
    server: typeof pageServices;
  }
}

export type RemixHandler = (request: Request, loadContext: AppLoadContext) => Promise<Response>;

const PUBLIC_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../public");
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** Document and evidence uploads taken in at once (each up to 10 MB, read whole): a bound on their memory together. */
const MAX_FILES_IN_FLIGHT = 4;
const FILES_RETRY_AFTER_SECONDS = 5;
const IMPORT_UPLOAD_PATHS = new Set(["/api/v1/imports/organisations", "/imports/organisations"]);
/** Evidence uploads of a realisation: the API address and the commitment page's form. */
const EVIDENCE_UPLOAD_PATH = /^\/(api\/v1\/commitments\/[^/]+\/realisations|commitments\/[^/]+)$/;
/** Signed agreement documents, as large as evidence may be: the API addresses and the agreement pages' forms. */
const AGREEMENT_UPLOAD_PATH = /^\/(api\/v1\/)?agreements(\/[^/]+)?$/;

/**
 * The Hono app: request id and access log, security headers, CSRF protection, who is asking,
 * then /healthz, /api/v1, static assets and, last, Remix. `getRemixHandler` is absent in API tests.
 */
export function createApp(services: AppServices, getRemixHandler?: () => Promise<RemixHandler>) {
  const app = new Hono<HonoEnv>();
  const { log, config } = services;
  // Errors outside the API's own handler (a refused CSRF check, a middleware failure) keep the API's shape.
  app.onError((error, c) => {
    if (c.req.path.startsWith("/api/")) return apiErrorResponse(c, error, log);
    if (error instanceof HTTPException) return error.getResponse();
    if (isDatabaseUnavailable(error)) return unavailablePage(c, log);
    log.error("Unhandled error", { error: error instanceof Error ? error.stack : String(error), requestId: c.get("requestId") });
    return c.text("Er ging iets mis. / Something went wrong.", 500);
  });

  app.use("*", requestId());
  // Before anything else answers: a request naming a host we do not serve is refused (decision 090).
  app.use("*", refuseOtherHosts(config));
  app.use("*", async (c, next) => {
    const started = performance.now();
    c.set("services", services);
    await next();
    if (!c.req.path.startsWith("/build/")) {
      log.info("request", {
        requestId: c.get("requestId"), method: c.req.method, path: loggedPath(c.req.path), status: c.res.status,
        ms: Math.round(performance.now() - started), userId: c.get("user")?.id,
      });
    }
  });

  // Long-lived, fingerprinted assets first: no session lookup, no security middleware cost. Each is
  // sent as the brotli or gzip copy the build wrote beside it (scripts/compress-assets.js) when the
  // browser accepts one; the answer varies by Accept-Encoding whichever copy was sent, so a cache
  // never hands a compressed copy to a browser that did not ask for it.
  app.use("/build/*", async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    c.res.headers.set("Cache-Control", "public, max-age=31536000, immutable");
    if (!c.res.headers.get("Vary")?.includes("Accept-Encoding")) c.res.headers.append("Vary", "Accept-Encoding");
  });
  app.use("/build/*", serveStatic({ root: path.relative(process.cwd(), PUBLIC_DIR) || ".", precompressed: true }));

  app.get("/healthz", async (c) => {
    try {
      await services.db.selectNoFrom((eb) => eb.lit(1).as("ok")).execute();
      return c.json({ status: "ok" });
    } catch {
      return c.json({ status: "unavailable", error: { code: "UNAVAILABLE", message: "The database does not answer" } }, 503);
    }
  });

  // Private calendar feeds: the secret in the address is the only key (calendar apps send no cookie).
  app.get("/feeds/:file", async (c) => {
    const match = /^(cal_[A-Za-z0-9_-]+)\.ics$/.exec(c.req.param("file"));
    const body = match ? await renderFeed(services.db, match[1]!, { now: services.clock.now(), appUrl: services.config.appUrl }) : null;
    if (body === null) return c.text("Not found", 404);
    return c.body(body, 200, { "Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex" });
  });

  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", NONCE],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'", ...(config.isProduction ? [] : ["ws://localhost:*"])],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: "same-origin",
      crossOriginEmbedderPolicy: false,
      // Sent only over HTTPS (below): over plain http it means nothing and misleads.
      strictTransportSecurity: false,
      // A header a handler set on purpose (the sandboxing CSP of a download) is its own to keep:
      // overwriting it made a downloaded document render with the pages' policy (issue 14).
      overwrite: false,
    }),
  );
  // Every download (Content-Disposition: attachment) is sandboxed, whichever handler wrote it, so a
  // file opened in the browser can run nothing and reach nothing of Schakel.
  app.use("*", async (c, next) => {
    await next();
    if (/^\s*attachment/i.test(c.res.headers.get("Content-Disposition") ?? "") && !c.res.headers.has("Content-Security-Policy")) {
      c.res.headers.set("Content-Security-Policy", DOWNLOAD_CSP);
    }
  });
  app.use("*", async (c, next) => {
    await next();
    if (isSecureRequest(services, c.req.url, c.req.header("x-forwarded-proto"))) {
      c.res.headers.set("Strict-Transport-Security", "max-age=15552000; includeSubDomains");
    }
  });
  // State-changing browser requests must come from our own pages (Origin or Sec-Fetch-Site). A
  // request with a bearer token carries no ambient credential a browser would add, so it is exempt.
  const csrfCheck = csrf({
    origin: (origin, c) => isOwnOrigin(config, origin, c.req.url),
  });
  app.use("*", (c, next) => (isBearerApiRequest(c.req.path, c.req.header("authorization")) ? next() : csrfCheck(c, next)));
  // Every body has a limit, enforced as it streams in, before anything reads it whole (decision 095).
  const defaultBodyLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(new AppError("VALIDATION_FAILED", "The request body is too large").toJSON(), 413) });
  // Import files may be up to 50 MB, on their two upload addresses only; the page's form is told why in its own words.
  const uploadBodyLimit = bodyLimit({
    // The multipart envelope of the page's form comes on top of the file itself; the file's own size is checked exactly when it is read.
    maxSize: MAX_IMPORT_BYTES + 64 * 1024,
    onError: (c) =>
      c.req.path.startsWith("/api/")
        ? c.json(new AppError("VALIDATION_FAILED", "The file is larger than 50 MB; split it into smaller files").toJSON(), 413)
        : c.redirect("/imports/organisations?error=tooLarge", 303),
  });
  // Evidence files may be up to 10 MB, on the realisation upload addresses only (decision 040).
  const evidenceBodyLimit = bodyLimit({
    maxSize: MAX_DOCUMENT_BYTES + 64 * 1024,
    onError: (c) =>
      c.req.path.startsWith("/api/")
        ? c.json(new AppError("VALIDATION_FAILED", "The evidence file is larger than 10 MB", { fields: { evidence: "The file is larger than 10 MB" } }).toJSON(), 413)
        : c.redirect(`${c.req.path}?error=tooLarge`, 303),
  });
  // Without it a signed agreement over 2 MB met the general limit: refused in English, as JSON, on the page (found by hostile-forms.test.ts).
  const documentBodyLimit = bodyLimit({
    maxSize: MAX_DOCUMENT_BYTES + 64 * 1024,
    onError: (c) =>
      c.req.path.startsWith("/api/")
        ? c.json(new AppError("VALIDATION_FAILED", "The document is larger than 10 MB", { fields: { document: "The file is larger than 10 MB" } }).toJSON(), 413)
        : c.redirect(`${c.req.path}?error=tooLarge`, 303),
  });
  // Signed documents and evidence are kept whole (they are stored as they are), up to 10 MB each,
  // so only a few are taken in at once: the rest hear 429 with Retry-After (decision 095). Imports
  // have slots of their own (imports.gate.ts), which also cover the analysis after reading.
  const fileGate = concurrencyGate("files", MAX_FILES_IN_FLIGHT);
  const withFileSlot = async (c: Context<HonoEnv>, next: () => Promise<void>, limit: typeof defaultBodyLimit) => {
    if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) return limit(c, next);
    return fileGate.run(
      () => limit(c, next),
      () => {
        c.header("Retry-After", String(FILES_RETRY_AFTER_SECONDS));
        return c.req.path.startsWith("/api/")
          ? c.json(new AppError("RATE_LIMITED", `${MAX_FILES_IN_FLIGHT} files are being received right now; try again in ${FILES_RETRY_AFTER_SECONDS} seconds`).toJSON(), 429)
          : c.text("Er worden nu al andere bestanden ontvangen. Probeer het over een paar seconden opnieuw. / Other files are being received right now; please try again in a few seconds.", 429);
      },
    );
  };
  // A relayed mail may be as large as the SMTP listener takes (issue 16).
  const mailBodyLimit = bodyLimit({ maxSize: MAX_MESSAGE_BYTES, onError: (c) => c.json(new AppError("VALIDATION_FAILED", "The message is larger than 10 MB").toJSON(), 413) });
  app.use("*", (c, next) => {
    if (c.req.method === "POST" && c.req.path === INBOUND_MAIL_PATH) return mailBodyLimit(c, next);
    if ((c.req.method === "POST" || c.req.method === "PATCH") && AGREEMENT_UPLOAD_PATH.test(c.req.path)) return withFileSlot(c, next, documentBodyLimit);
    if (c.req.method === "POST" && IMPORT_UPLOAD_PATHS.has(c.req.path)) return uploadBodyLimit(c, next);
    if (c.req.method === "POST" && EVIDENCE_UPLOAD_PATH.test(c.req.path)) return withFileSlot(c, next, evidenceBodyLimit);
    return defaultBodyLimit(c, next);
  });

  // Who is asking: an API token (API only) or the session cookie.
  app.use("*", async (c, next) => {
    const isSecure = isSecureRequest(services, c.req.url, c.req.header("x-forwarded-proto"));
    const authorization = c.req.header("authorization");
    let sessionCookie: string | null = null;
    if (c.req.path === INBOUND_MAIL_PATH) {
      // Its bearer is a region's inbound secret, not a user's token: the route checks it (no user, no session).
      c.set("user", null);
      c.set("sessionId", null);
      c.set("regionName", null);
    } else if (isBearerApiRequest(c.req.path, authorization)) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1] ?? "";
      const found = await authenticateApiToken(services.db, token, services.clock.now());
      if (!found) return c.json(new AppError("UNAUTHENTICATED", "The API token is not valid").toJSON(), 401);
      // A token is no way around the region's two-factor requirement: it works once the owner has set it up.
      if (found.mustSetUpTwoFactor) return c.json(twoFactorRequired().toJSON(), 403);
      c.set("user", found.user);
      c.set("sessionId", null);
      c.set("regionName", null);
    } else {
      const session = await services.sessions.validate(c.req.header("cookie"), isSecure);
      c.set("user", session.user);
      c.set("sessionId", session.sessionId);
      c.set("regionName", session.regionName);
      sessionCookie = session.setCookie;
      // The region requires a second factor of this admin or penvoerder, who has none yet: nothing
      // else opens until it is set up (the page, signing out and the page's assets excepted).
      if (session.mustSetUpTwoFactor && !TWO_FACTOR_SETUP_PATHS.test(c.req.path)) {
        const refused = c.req.path.startsWith("/api/")
          ? c.json(twoFactorRequired().toJSON(), 403)
          : c.redirect("/profile/two-factor", 303);
        if (sessionCookie) refused.headers.append("Set-Cookie", sessionCookie);
        return refused;
      }
    }
    await next();
    // The renewed or cleared cookie must not override a session the response itself sets (sign-in).
    const setsSession = (c.res.headers.getSetCookie?.() ?? []).some((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
    if (sessionCookie && !setsSession) c.res.headers.append("Set-Cookie", sessionCookie);
  });

  // Everything served for a signed-in user runs in their region's scope: row-level security then
  // limits its queries to that region's rows (decision 073). The account pages are the exception:
  // they find their user by a link's token or a typed email address, and that user may belong to
  // another region than whoever is signed in in the same browser.
  app.use("*", (c, next) => {
    const user = c.get("user");
    return user && !ACCOUNT_PAGES.test(c.req.path) ? runInRegionScope(user.regionId, next) : next();
  });

  app.route("/api/v1", createApi());
  app.all("/api/*", (c) => c.json(new AppError("NOT_FOUND", "Unknown API version or path").toJSON(), 404));

  app.use("*", async (c, next) => {
    await next();
    if (c.res.status === 200 && !c.res.headers.has("Cache-Control") && /\.(ico|png|svg|css|txt)$/.test(c.req.path)) {
      c.res.headers.set("Cache-Control", "public, max-age=3600");
    }
  });
  app.use("*", serveStatic({ root: path.relative(process.cwd(), PUBLIC_DIR) || "." }));

  if (getRemixHandler) {
    app.all("*", async (c) => {
      const handler = await getRemixHandler();
      const context: AppLoadContext = {
        ...services,
        server: pageServices,
        user: c.get("user"),
        sessionId: c.get("sessionId"),
        regionName: c.get("regionName"),
        requestId: c.get("requestId"),
        nonce: c.get("secureHeadersNonce") ?? "",
        ip: clientAddress(c, config),
        isSecure: isSecureRequest(services, c.req.url, c.req.header("x-forwarded-proto")),
      };
      // The import form streams its file (and says itself when its form cannot be read); checking it here would read it twice.
      const streamsItsBody = IMPORT_UPLOAD_PATHS.has(c.req.path);
      if (c.req.method !== "GET" && c.req.method !== "HEAD" && !streamsItsBody && !(await isReadableForm(c.req.raw))) {
        return c.text("Dit formulier kon niet gelezen worden. / This form could not be read.", 400);
      }
      const response = await handler(withoutHostForwarding(c.req.raw), context);
      // A page that failed while the database is away answers 503 (try again) rather than 500 (a bug).
      if (response.status === 500 && !(await databaseAnswers(services))) return unavailablePage(c, log);
      return response;
    });
  }
  return app;
}

/**
 * Whether every page action can read the body with formData(), which otherwise throws and makes a 500:
 * it is a form (urlencoded, or multipart that parses) or empty. Browsers send nothing else; a broken
 * body is the sender's mistake (decision 079). The multipart check parses a copy of the body.
 */
async function isReadableForm(request: Request): Promise<boolean> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded")) return true;
  if (!type) return request.body === null;
  if (!type.startsWith("multipart/form-data")) return false;
  return request.clone().formData().then(() => true, () => false);
}

/** The database answers a trivial query within a second. */
async function databaseAnswers(services: AppServices) {
  const probe = services.db.selectNoFrom((eb) => eb.lit(1).as("ok")).execute().then(() => true, () => false);
  return Promise.race([probe, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref())]);
}

function unavailablePage(c: Context<HonoEnv>, log: AppServices["log"]) {
  log.error("Database unavailable", { requestId: c.get("requestId"), path: c.req.path });
  c.header("Retry-After", "5");
  return c.text("Schakel kan de database even niet bereiken. Probeer het over een paar seconden opnieuw. / Schakel cannot reach its database; please try again in a few seconds.", 503);
}

/**
 * Pages about an account before (or other than) the signed-in one: served outside any region scope.
 * A sender address's confirmation link is one: whoever reads that mailbox opens it, signed in or not.
 */
const ACCOUNT_PAGES = /^\/(sign-in|sign-in\/code|sign-in\/link|sign-in\/link\/[^/]+|auth\/oidc\/[^/]+|forgot-password|reset-password\/[^/]+|invitation\/[^/]+|profile\/mail-addresses\/confirm\/[^/]+|setup)\/?$/;

/** Pages whose address holds a single-use link's secret: the access log keeps the path without it. */
const LINK_TOKEN_PATHS = /^(\/(?:reset-password|invitation|profile\/mail-addresses\/confirm|sign-in\/link))\/[^/]+/;

/** The path as the access log writes it: a link's token is replaced by "…". */
export function loggedPath(path: string): string {
  return path.replace(LINK_TOKEN_PATHS, "$1/…");
}

/** What a user who must still set up two-factor sign-in may reach. */
const TWO_FACTOR_SETUP_PATHS = /^(\/profile\/two-factor\/?|\/sign-out\/?|\/healthz|\/build\/.*|\/[^/]+\.(ico|png|svg|css|txt|webmanifest))$/;

function isBearerApiRequest(path: string, authorization: string | undefined) {
  return path.startsWith("/api/") && /^Bearer\s/i.test(authorization ?? "");
}

function isSecureRequest(services: AppServices, url: string, forwardedProto: string | undefined) {
  if (services.config.isDeployment) return services.config.appUrl.startsWith("https:");
  return new URL(url).protocol === "https:" || forwardedProto === "https";
}

/** The client's address: the connection's, or what a trusted proxy reports (TRUST_PROXY). */
function clientAddress(c: Parameters<typeof getConnInfo>[0], config: AppServices["config"]): string {
  let remote = "unknown";
  try {
    remote = getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // No socket (a request made in-process): "unknown" is one client for the limits.
  }
  return clientAddressOf(remote, c.req.header("x-forwarded-for"), config.trustProxy);
}

export type { ServerBuild };

/** The answer to an API call of someone the region requires a second factor of, who has none yet. */
function twoFactorRequired() {
  return new AppError("TWO_FACTOR_REQUIRED", "Your region requires two-factor sign-in for your role: set it up on /profile/two-factor first; until then your sessions and API tokens are refused");
}
