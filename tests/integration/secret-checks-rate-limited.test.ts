import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as limits from "../../server/auth/rate-limit";
import * as lockout from "../../server/auth/second-factor-lockout";

/**
 * The class test of issue 14, item 8: every handler that checks a secret someone could guess goes
 * through a rate limiter. Walked from the code: each call of a function that checks a password,
 * a two-factor or recovery code, or a reset, invitation or sender-address link, and then each caller of a function
 * that makes such a call, up to a function that takes a limit. A request handler (a page's loader or
 * action, an API handler) reached without one fails the test, naming it, as does a function nobody
 * calls. A new unthrottled check — minting a token with the password, a new API endpoint that
 * checks a code — fails here until it takes a limit.
 *
 * Not walked, on purpose: API tokens, calendar-feed addresses and the one-time setup token are
 * long random secrets nobody chooses (180+ bits); guessing one is hopeless, and the API's own
 * per-token limit bounds their use.
 */

/** The functions that compare what someone typed with a secret. */
const SECRET_CHECKS = ["verifyPassword", "checkSecondFactor", "totpStep", "findUserByToken", "findSenderAddressConfirmation", "confirmSenderAddress", "findSignInLink", "spendSignInLink"];

/** Taking one of these is going through a rate limiter. Each must exist in the limit modules. */
const LIMITERS = [
  "signInWaitSeconds", "takeToken", "requireToken", "limitCurrentPasswordCheck", "limitEnrolmentCodeCheck",
  "limitLinkTokenCheck", "limitPasswordResetRequest", "limitSignInLinkRequest", "limitApiRequest", "secondFactorLockedUntil",
];

type Source = { file: string; text: string };
type Finding = { file: string; line: number; function: string; calls: string };

/** Every .ts/.tsx file of the server and the pages. */
function appSources(): Source[] {
  const sources: Source[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(full);
      } else if (/\.tsx?$/.test(entry.name) && !/\.(test|d)\.tsx?$/.test(entry.name)) {
        sources.push({ file: path.relative(process.cwd(), full), text: readFileSync(full, "utf8") });
      }
    }
  };
  walk("server");
  walk("app");
  return sources;
}

const calleeName = (call: ts.CallExpression): string | undefined => {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
};

const isFunction = (node: ts.Node): node is ts.FunctionLikeDeclaration =>
  ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node);

/** The name a function goes by: its own, or that of the variable or property it is assigned to. */
function nameOf(fn: ts.FunctionLikeDeclaration): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  // createMiddleware(async (c, next) => …) assigned to a name: the middleware's name.
  if (ts.isCallExpression(parent) && calleeName(parent) === "createMiddleware" && ts.isVariableDeclaration(parent.parent) && ts.isIdentifier(parent.parent.name)) {
    return parent.parent.name.text;
  }
  return undefined;
}

function callsAny(node: ts.Node, names: Set<string>): boolean {
  let found = false;
  const visit = (child: ts.Node) => {
    if (found) return;
    if (ts.isCallExpression(child) && names.has(calleeName(child) ?? "")) found = true;
    else ts.forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/**
 * Walks from the secret checks to their callers. Returns the handlers reached without a limit, and
 * the places where a limit was found (so the test can see it looked).
 */
export function findUnthrottledSecretChecks(sources: Source[], secretChecks: string[], limiters: string[]) {
  const limiterSet = new Set(limiters);
  const files = sources.map((source) => ({ file: source.file, ast: ts.createSourceFile(source.file, source.text, ts.ScriptTarget.Latest, true, source.file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS) }));
  const tracked = new Set(secretChecks);
  const queue = [...secretChecks];
  const unthrottled: Finding[] = [];
  const throttled: Finding[] = [];
  const seen = new Set<string>();

  while (queue.length) {
    const name = queue.shift()!;
    let callSites = 0;
    for (const { file, ast } of files) {
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) && calleeName(node) === name) {
          callSites++;
          const line = ast.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          // Up through the enclosing functions (a transaction's callback, a handler) to a named one.
          let scope: ts.Node | undefined = node.parent;
          let limited = false;
          let named: string | undefined;
          while (scope && !named) {
            if (isFunction(scope)) {
              if (!limited && callsAny(scope.body ?? scope, limiterSet)) limited = true;
              named = nameOf(scope);
            }
            scope = scope.parent;
          }
          const finding = { file, line, function: named ?? "(an inline handler)", calls: name };
          const key = `${file}:${line}:${name}`;
          if (seen.has(key)) return;
          seen.add(key);
          if (limited) throttled.push(finding);
          // A page's loader or action, or an inline handler, answers a request: it had to take a limit.
          else if (!named || (file.startsWith("app/routes/") && (named === "loader" || named === "action"))) unthrottled.push(finding);
          else if (!tracked.has(named)) {
            tracked.add(named);
            queue.push(named);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(ast);
    }
    // A checking function no code calls is an entry point of its own (or dead): it cannot be vouched for.
    if (callSites === 0 && !secretChecks.includes(name)) unthrottled.push({ file: "?", line: 0, function: name, calls: "(never called: an entry point?)" });
  }
  return { unthrottled, throttled };
}

describe("every check of a secret someone could guess goes through a rate limit", () => {
  it("names the limiters that exist in the limit modules", () => {
    const exported = new Set([...Object.keys(limits), ...Object.keys(lockout)]);
    expect(LIMITERS.filter((name) => !exported.has(name))).toEqual([]);
  });

  it("finds no handler that checks a password, a code or a link without a limit", () => {
    const { unthrottled, throttled } = findUnthrottledSecretChecks(appSources(), SECRET_CHECKS, LIMITERS);

    expect(unthrottled).toEqual([]);
    // It looked where the checks are: signing in, the code step, the profile's password and
    // two-factor forms, the API's password change, and the reset and invitation links.
    const places = new Set(throttled.map((finding) => `${finding.file} ${finding.function}`));
    for (const place of [
      "server/auth/sign-in.ts signIn",
      "server/auth/two-factor.ts completeChallenge",
      "app/routes/profile.tsx action",
      "app/routes/profile_.two-factor.tsx action",
      "server/domains/account/account.routes.ts (an inline handler)",
      "app/routes/reset-password.$token.tsx loader",
      "app/routes/reset-password.$token.tsx action",
      "app/routes/invitation.$token.tsx loader",
      "app/routes/invitation.$token.tsx action",
      "app/routes/sign-in_.link_.$token.tsx loader",
      "app/routes/sign-in_.link_.$token.tsx action",
      "app/routes/profile_.mail-addresses.confirm.$token.tsx loader",
      "app/routes/profile_.mail-addresses.confirm.$token.tsx action",
    ]) {
      expect(places, place).toContain(place);
    }
  });

  it("fails for a new handler that checks a password without a limit, however deep the check", () => {
    const sources = [
      { file: "server/auth/passwords.ts", text: "export async function verifyPassword(hash: string, password: string) { return hash === password; }" },
      { file: "server/auth/api-tokens.ts", text: "export async function mintToken(db, user, password) { if (!(await verifyPassword(user.hash, password))) throw new Error(); }" },
      {
        file: "server/domains/account/account.routes.ts",
        text: "export const api = new Hono().post('/tokens', async (c) => c.json(await db.transaction().execute((trx) => mintToken(trx, user, body.password))));",
      },
      { file: "app/routes/tokens.tsx", text: "export async function action({ context }) { await takeToken(context.db, 'k', limit, now); return mintToken(context.db, user, password); }" },
    ];

    const { unthrottled } = findUnthrottledSecretChecks(sources, ["verifyPassword"], ["takeToken"]);

    expect(unthrottled).toEqual([{ file: "server/domains/account/account.routes.ts", line: 1, function: "(an inline handler)", calls: "mintToken" }]);
  });
});
