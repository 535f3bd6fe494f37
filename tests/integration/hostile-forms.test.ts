import { readFileSync } from "node:fs";
import fc from "fast-check";
import { generate } from "otplib";
import { type RawBuilder, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../../i18n";
import { MAX_DOCUMENT_BYTES } from "../../server/domains/documents/documents.service";
import { MAX_IMPORT_BYTES } from "../../server/domains/imports/imports.parse";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { sendRequestedPasswordResets } from "../../server/domains/users/users.service";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { NASTY_STRINGS } from "../support/hostile";
import { type PageRoute, pageRoutes } from "../support/route-inventory";

/**
 * Hostile input through the HTML forms (issue 8, item 2): every page route with an action, taken
 * from the Remix build (so a new form is covered, or fails this test, without anyone remembering it),
 * gets generated bad form data from a user who may use the form. The fields are the ones the page
 * itself renders (read from its HTML), the intents those of its buttons and of its source. Every
 * answer is below 500, and the database does not change.
 */

type Actor = "admin" | "partner" | "signedOut" | "challenged";

type FormRoute = {
  /** Who may use the form: staff of the region, the partner for the portal, nobody signed in for the sign-in pages. */
  as: Actor;
  /** The whole route changes state whatever it is sent, so it is not fuzzed: why. */
  exempt?: string;
  /** Intents that change state whatever else is sent (they take no input but the button): why. They are not sent. */
  exemptIntents?: Record<string, string>;
};

/**
 * Every page route with an action, with who uses it. A route with an action missing here fails the
 * test: add it with the actor, and an exemption only with the reason it must change state on any input.
 */
const FORM_ROUTES: Record<string, FormRoute> = {
  "/activities": { as: "admin" },
  "/activities/:id": { as: "admin", exemptIntents: { archive: "archiving takes no input but the button (restorable from the archive)" } },
  "/activities/new": { as: "admin" },
  "/admin/health": { as: "admin" },
  "/admin/plans": { as: "admin" },
  "/admin/mail": { as: "admin", exemptIntents: { "rotate-secret": "a new inbound secret is made on the button alone (that is what it is for), and is audited" } },
  "/admin/sign-in": { as: "admin" },
  "/admin/users": {
    as: "admin",
    exemptIntents: {
      "two-factor-requirement": "its one field is a checkbox: every submission is a valid choice (unticked: not required), and is audited",
      "partner-work": "its one field is a checkbox: every submission is a valid choice (unticked: owners only), and is audited",
    },
  },
  "/admin/users/:id/handover": { as: "admin" },
  "/getting-started": { as: "admin", exemptIntents: { dismiss: "hiding the first-steps list takes no input but the button; it changes only whether the start page shows the list (the list stays on its own page), and is audited" } },
  "/agreements/:id": { as: "admin", exemptIntents: { archive: "archiving takes no input but the button" } },
  "/agreements/new": { as: "admin" },
  "/attention": { as: "admin" },
  "/leads": { as: "admin" },
  "/cofinancing/:schoolYear": { as: "admin" },
  "/commitments/:id": { as: "admin", exemptIntents: { archive: "archiving takes no input but the button" } },
  "/commitments/in-kind": { as: "admin" },
  "/commitments/new": { as: "admin" },
  "/forgot-password": { as: "signedOut" },
  "/inbox": { as: "admin", exemptIntents: { discard: "discarding a waiting mail takes no input but the button (and its item's id)" } },
  "/imports/organisations": { as: "admin" },
  "/interactions/:id/edit": { as: "admin", exemptIntents: { delete: "deleting a contact moment archives it on the button alone, after its confirmation step (restorable, audited)" } },
  "/imports/organisations/:id": { as: "admin", exemptIntents: { commit: "committing the staged import takes no input but the button: the uploaded file is the input (tested below)" } },
  "/invitation/:token": { as: "signedOut" },
  "/log": { as: "admin" },
  "/organisations": { as: "admin" },
  "/organisations/:id": { as: "admin", exemptIntents: { archive: "archiving takes no input but the button (restorable)" } },
  "/organisations/:id/plans": { as: "admin" },
  "/organisations/new": { as: "admin" },
  "/people": { as: "admin" },
  "/people/:id": { as: "admin", exemptIntents: { archive: "archiving takes no input but the button (restorable)" } },
  "/portal": { as: "partner" },
  "/portal/offer": { as: "partner" },
  "/profile": {
    as: "admin",
    exemptIntents: {
      "create-feed": "a calendar feed address is made on the button alone",
      "revoke-feed": "revoking the feed takes no input but the button",
      "end-other-sessions": "signing out everywhere else takes no input but the button; it also revokes the API tokens and emails the owner (api-token-recovery.test.ts)",
      "regenerate-logging-address": "a new logging address is made on the button alone, after its warning (that is what it is for)",
    },
  },
  // Fuzzed with a link that is no link: a real one is confirmed by its button alone, whatever else is sent (mail-capture-pages.test.ts).
  "/profile/mail-addresses/confirm/:token": { as: "signedOut" },
  "/profile/two-factor": { as: "admin", exemptIntents: { regenerate: "new recovery codes are made on the button alone (that is what it is for)" } },
  "/reset-password/:token": { as: "signedOut" },
  "/setup": { as: "signedOut" },
  "/sign-in": { as: "signedOut" },
  "/sign-in/code": { as: "challenged" },
  "/sign-in/link": { as: "signedOut" },
  // Fuzzed with a link that is no link: a real one is spent by its button alone, whatever else is sent (sign-in-links.test.ts).
  "/sign-in/link/:token": { as: "signedOut" },
  "/tasks": { as: "admin" },
  "/views": { as: "admin", exemptIntents: { archive: "archiving a saved view takes no input but the button (and its view's id); only its creator or an admin may, and it is audited" } },
  "/sign-out": { as: "admin", exempt: "signing out ends the session on any POST (that is its design; security.test.ts covers it)" },
};

/**
 * Tables a refused form may legitimately write to, and what of them is compared instead:
 * sign-in attempts are counted for the rate limit whatever the outcome, and so are tries of a current
 * password, a code or a link (rate_limit_buckets); a refused second-factor code counts against its
 * challenge (the fifth ends it) and its account (second_factor_failures); a session's expiry is
 * renewed by any request (which sessions exist is still compared).
 */
const RECORDS_THE_ATTEMPT: Record<string, string> = {
  sign_in_attempts: "select 0",
  rate_limit_buckets: "select 0",
  second_factor_failures: "select 0",
  two_factor_challenges: "select 0",
  sessions: "select string_agg(id, ',' order by id) from sessions",
};

// --- The hostile values ------------------------------------------------------------------------

const HUGE = 100_001;
const FRAGMENTS = [
  ...NASTY_STRINGS, "\"><img src=x onerror=alert(1)>", "</textarea>", "{{7*7}}", "zero\u200Bwidth\u200D", "\uD800", "a\uDFFFb", "שלום עולם", "ﷺ",
];
const BAD_NUMBERS = ["NaN", "-1", "-0", "1e309", "-1e309", "Infinity", "99999999999999999999999", "0x1F", "12,34,56", "1.2.3", "€ 5", "-99999999999"];
const BAD_DATES = ["2025-02-30", "31-12-2025", "9999-99-99", "0000-00-00", "2025-13-01", "gisteren", "2025-1-1", "+275760-09-13", "1e309"];
const huge = (fragment: string) => fragment.repeat(Math.ceil(HUGE / Math.max(1, fragment.length))).slice(0, HUGE + 7);

/** Values no field of this kind accepts: the "poison" that makes the whole submission invalid. */
function invalidFor(field: FormField): fc.Arbitrary<string> {
  switch (field.kind) {
    case "date":
      return fc.constantFrom(...BAD_DATES);
    case "number":
      return fc.constantFrom("NaN", "1e309", "Infinity", "99999999999999999999999", "abc", "0x1F", "12,34,56");
    case "email":
      return fc.constantFrom("<script>@x", "' or 1=1 --", "geen-adres", huge("a@b."));
    case "select":
      return fc.constantFrom("not-one-of-them", "' or ''='", "<script>alert(1)</script>", "ADMIN").filter((value) => !field.options.includes(value));
    case "id":
      return fc.constantFrom("' or 1=1 --", "<script>alert(1)</script>", "NaN", "00000000-0000-0000-0000-00000000000g", huge("f"));
    case "version":
      return fc.constantFrom("NaN", "1e309", "-1", "0", "abc", "1.5");
    default:
      // Blank text would be trimmed to "not given", which an optional field accepts.
      return fc.constantFrom(...FRAGMENTS.filter((fragment) => fragment.trim() !== "")).map(huge);
  }
}

/** A field whose every hostile value we can choose to be invalid (a checkbox or a free hidden field takes anything). */
const canPoison = (field: FormField) => field.kind !== "checkbox" && field.kind !== "hidden" && field.kind !== "file";

/** Any hostile value, valid or not for the field: wrong types, fragments, unicode, extremes. */
const anyHostile: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...FRAGMENTS),
  fc.constantFrom(...BAD_NUMBERS),
  fc.constantFrom(...BAD_DATES),
  fc.constantFrom(...FRAGMENTS).map(huge),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
);

/** A field beside the poison: hostile, or a value the page itself offers (its hidden id, version or an option). */
function othersFor(field: FormField): fc.Arbitrary<string> {
  if (field.kind === "checkbox") return fc.constantFrom("", "off", "<script>");
  const offered = [field.value, ...field.options].filter((value) => value !== "");
  return offered.length ? fc.oneof({ arbitrary: anyHostile, weight: 3 }, { arbitrary: fc.constantFrom(...offered), weight: 2 }) : anyHostile;
}

const EXTRA_NAMES = ["__proto__", "constructor", "regionId", "role", "organisationId", "id", "archivedAt", "version", "$where", "intent[]", "a".repeat(300)];

type FormField = { name: string; kind: "text" | "date" | "number" | "email" | "select" | "id" | "version" | "checkbox" | "file" | "hidden"; options: string[]; value: string };
type PageForm = { intents: string[]; fields: FormField[] };

/** A form body with lone surrogates sent as the bytes a careless client would send (WTF-8), and broken escapes kept. */
function urlencoded(fields: Array<[string, string]>): string {
  const encode = (text: string) =>
    [...text]
      .map((char) => {
        const code = char.charCodeAt(0);
        if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join("");
        return encodeURIComponent(char);
      })
      .join("");
  return fields.map(([name, value]) => `${encode(name)}=${encode(value)}`).join("&");
}

// --- Reading the forms a page renders ----------------------------------------------------------

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const decode = (text: string) => text.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

function fieldOf(tag: string, element: string, inner: string): FormField | null {
  const name = attribute(tag, "name");
  if (!name) return null;
  const type = element === "input" ? (attribute(tag, "type") ?? "text") : element;
  const value = decode(attribute(tag, "value") ?? "");
  const options = element === "select" ? [...inner.matchAll(/<option[^>]*value="([^"]*)"/g)].map((match) => decode(match[1] ?? "")) : [];
  let kind: FormField["kind"] = "text";
  if (type === "date") kind = "date";
  else if (type === "number" || /inputmode="(numeric|decimal)"/i.test(tag)) kind = "number";
  else if (type === "email") kind = "email";
  else if (type === "select") kind = "select";
  else if (type === "checkbox" || type === "radio") kind = "checkbox";
  else if (type === "file") kind = "file";
  else if (name === "version") kind = "version";
  else if (/(^id$|Id$)/.test(name)) kind = "id";
  else if (type === "hidden") kind = "hidden";
  return { name, kind, options, value };
}

/** The post forms of a page that submit to the page itself, with their fields and intents. */
function formsOf(html: string, pagePath: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const [, tag = "", body = ""] = match;
    if (!/method="post"/i.test(tag)) continue;
    const action = attribute(tag, "action");
    if (action && decode(action).replace(/[?#].*$/, "") !== pagePath && !action.startsWith("?")) continue;
    const fields: FormField[] = [];
    const intents: string[] = [];
    // A select with its options as one element, so its options are known and its markup not read as fields.
    for (const element of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>|<(input|textarea|button)\b([^>]*)>/g)) {
      const [, selectAttributes, options = "", other = "", otherAttributes = ""] = element;
      const kind = selectAttributes === undefined ? other : "select";
      const attributes = selectAttributes ?? otherAttributes;
      const inner = options;
      const name = attribute(attributes, "name");
      if (name === "intent" || name === "_intent") {
        const value = decode(attribute(attributes, "value") ?? "");
        if (value) intents.push(value);
        continue;
      }
      if (kind === "button") continue;
      const field = fieldOf(attributes, kind, inner);
      if (field && !fields.some((f) => f.name === field.name)) fields.push(field);
    }
    forms.push({ intents, fields });
  }
  return forms;
}

/** The intents a route's action compares with, read from its source (some buttons render only in some states). */
function intentsInSource(route: PageRoute): string[] {
  const base = `app/${route.id}`;
  const source = [".tsx", ".ts"].map((extension) => {
    try {
      return readFileSync(base + extension, "utf8");
    } catch {
      return "";
    }
  }).join("\n");
  const found = new Set<string>();
  for (const match of source.matchAll(/intent"?\)?\s*===\s*"([\w-]+)"/g)) found.add(match[1]!);
  for (const match of source.matchAll(/name="_?intent"\s+value="([\w-]+)"/g)) found.add(match[1]!);
  return [...found];
}

describe("hostile input through every HTML form", () => {
  let t: TestDatabase;
  let web: TestApp;
  const jars: Record<Actor, CookieJar> = { admin: new CookieJar(), partner: new CookieJar(), signedOut: new CookieJar(), challenged: new CookieJar() };
  const ids: Record<string, string> = {};
  let adminToken = "";
  let fingerprintQuery: RawBuilder<{ name: string; fp: string }> | undefined;

  /** Every table of the schema, each as a digest of its rows (or of what RECORDS_THE_ATTEMPT says to compare). */
  async function fingerprint(): Promise<Record<string, string>> {
    if (!fingerprintQuery) {
      const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by 1`.execute(t.db);
      const parts = rows.map(({ name }) =>
        RECORDS_THE_ATTEMPT[name] !== undefined
          ? sql`select ${name} as name, md5(coalesce((${sql.raw(RECORDS_THE_ATTEMPT[name])})::text, '')) as fp`
          : // An order-free sum of row hashes: as telling as a sorted digest here, without sorting every table.
            sql`select ${name} as name, count(*) || ':' || coalesce(sum(hashtextextended(x::text, 0)::numeric), 0) as fp from ${sql.table(name)} x`,
      );
      fingerprintQuery = sql<{ name: string; fp: string }>`${sql.join(parts, sql` union all `)}`;
    }
    const { rows } = await fingerprintQuery.execute(t.db);
    return Object.fromEntries(rows.map((row) => [row.name, row.fp]));
  }

  const changedTables = (before: Record<string, string>, after: Record<string, string>) => Object.keys(after).filter((name) => before[name] !== after[name]);

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const regionId = (await makeRegion(t.db)).id;
    const { user: admin, token } = await makeUserWithToken(t.db, { regionId, role: "admin" });
    adminToken = token;
    const post = async (path: string, body: unknown) => {
      const response = await web.request(`/api/v1${path}`, { token, method: "POST", body: JSON.stringify(body) });
      expect(response.status, `${path}: ${await response.clone().text()}`).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    ids.organisation = await post("/organisations", { kind: "company", name: "Doelwit B.V.", status: "active", tier: "regular", accountHolderId: admin.id });
    // The account holder owns an organisation, so the handover page shows its form.
    ids.holder = (await makeUser(t.db, { regionId, role: "accounthouder" })).id;
    ids.school = await post("/organisations", { kind: "vmbo", name: "Doelwit College", status: "active", tier: "regular", accountHolderId: ids.holder });
    ids.person = await post("/people", { name: "Dirk Doelwit", lawfulBasis: "legitimate_interest" });
    await post(`/people/${ids.person}/affiliations`, { organisationId: ids.organisation, role: "Monteur", isPrimary: true, startDate: "2024-01-01" });
    await post("/tasks", { organisationId: ids.organisation, assigneeId: admin.id, dueDate: "2026-12-01", title: "Bellen" });
    ids.interaction = await post("/interactions", { organisationId: ids.organisation, kind: "call", summary: "Gebeld", date: "2026-11-20", personIds: [ids.person] });
    ids.activity = await post("/activities", { type: "guest_lesson", title: "Gastles", status: "planned", startDate: "2026-12-10", organisationIds: [ids.organisation], schoolIds: [ids.school] });
    // Done activities of a company with an in-kind pledge: the in-kind page proposes one (confirm and reject forms) and lists the other as rejected (undo).
    await post("/commitments", { organisationId: ids.organisation, schoolYear: "2026-2027", kind: "in_kind", category: "guest_lessons", valuation: "hours_rate", hours: 40, hourlyRateCents: 6500 });
    const done = { type: "guest_lesson", status: "done", startDate: "2026-10-01", hours: 3, pupilsReached: 25, teachersInvolved: 1, organisationIds: [ids.organisation], schoolIds: [ids.school] };
    await post("/activities", { ...done, title: "Gastles gegeven" });
    const rejected = await post("/activities", { ...done, title: "Kennismaking" });
    expect((await web.request(`/api/v1/in-kind/proposals/${rejected}/reject`, { token, method: "POST", body: JSON.stringify({ reason: "Gratis kennismaking" }) })).status).toBe(200);
    ids.commitment = await post("/commitments", { organisationId: ids.organisation, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 100000 });
    ids.agreement = await post("/agreements", { kind: "covenant", title: "Convenant", organisationIds: [ids.organisation], signedOn: "2026-01-01" });
    const staged = await web.request("/api/v1/imports/organisations?dryRun=true", { token, method: "POST", body: "Naam;Plaats\nNieuw B.V.;Hengelo\n", headers: { "content-type": "text/csv" } });
    expect(staged.status, await staged.clone().text()).toBe(200);
    ids.import = ((await staged.json()) as { id: string }).id;
    const partner = await makeUser(t.db, { regionId, role: "partner", organisationId: ids.organisation });
    const invited = await makeUser(t.db, { regionId, role: "accounthouder", email: "uitgenodigd@example.nl", invited: true });
    void invited;
    await web.postForm("/forgot-password", { email: admin.email }, { jar: new CookieJar() });
    await sendRequestedPasswordResets(t.db, { now: TEST_NOW, appUrl: web.appUrl });
    const links = await t.db.selectFrom("email_outbox").select("text").execute();
    const linkOf = (kind: string) => new RegExp(`/${kind}/([\\w-]+)`).exec(links.map((email) => email.text).join("\n"))?.[1] ?? "onbekend";
    ids.invitation = linkOf("invitation");
    ids.reset = linkOf("reset-password");
    for (const [actor, user] of [["admin", admin], ["partner", partner]] as const) {
      const response = await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: jars[actor] });
      expect(response.status).toBe(302);
    }
    // The admin sets up a second factor, so its page offers all its forms and a second browser waits at the code step.
    const setup = await (await web.get("/profile/two-factor", { jar: jars.admin })).text();
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(setup)?.[1] ?? "";
    const code = await generate({ secret, epoch: Math.floor(TEST_NOW.getTime() / 1000) });
    expect((await web.postForm("/profile/two-factor", { intent: "confirm", code }, { jar: jars.admin })).status).toBe(200);
    const challenged = await web.postForm("/sign-in", { email: admin.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: jars.challenged });
    expect(challenged.headers.get("location")).toMatch(/^\/sign-in\/code/);
  });
  afterAll(() => t?.drop());

  /** The route's address with real records of the user's region. */
  function concrete(path: string) {
    const byParameter: Record<string, string> = {
      "/activities/:id": ids.activity!, "/admin/users/:id/handover": ids.holder!, "/agreements/:id": ids.agreement!, "/commitments/:id": ids.commitment!,
      "/imports/organisations/:id": ids.import!, "/interactions/:id/edit": ids.interaction!, "/invitation/:token": ids.invitation!, "/organisations/:id": ids.organisation!, "/people/:id": ids.person!,
      "/organisations/:id/plans": ids.organisation!, "/reset-password/:token": ids.reset!,
    };
    const id = byParameter[path];
    return path.replace(":schoolYear", "2025-2026").replace(/:\w+/, id ?? "00000000-0000-4000-8000-000000000000");
  }

  it("has an entry for every page route with an action, and none for a route that has gone", async () => {
    const withAction = (await pageRoutes()).filter((route) => route.hasAction).map((route) => route.path);
    expect(withAction.filter((path) => !FORM_ROUTES[path]), "page routes with an action but no entry in FORM_ROUTES").toEqual([]);
    expect(Object.keys(FORM_ROUTES).filter((path) => !withAction.includes(path)), "entries in FORM_ROUTES for routes without an action").toEqual([]);
  });

  it("lists only exempt intents the route's action still handles", async () => {
    const routes = await pageRoutes();
    for (const [path, entry] of Object.entries(FORM_ROUTES)) {
      const route = routes.find((candidate) => candidate.path === path);
      for (const intent of Object.keys(entry.exemptIntents ?? {})) expect(route && intentsInSource(route), `${path} ${intent}`).toContain(intent);
    }
  });

  it("refuses generated hostile form data on every form without a 5xx and changes nothing", async () => {
    const routes = (await pageRoutes()).filter((route) => route.hasAction && !FORM_ROUTES[route.path]?.exempt);
    for (const route of routes) {
      const entry = FORM_ROUTES[route.path]!;
      const jar = jars[entry.as];
      const path = concrete(route.path);
      const page = await web.get(path, { jar });
      const forms = page.status === 200 ? formsOf(await page.text(), path) : [];
      const statuses: number[] = [];
      const before = await fingerprint();
      const started = Date.now();
      const exempt = new Set(Object.keys(entry.exemptIntents ?? {}));
      const known = [...new Set([...intentsInSource(route), ...forms.flatMap((form) => form.intents)])].filter((intent) => !exempt.has(intent));
      const allFields = forms.flatMap((form) => form.fields);
      /** The fields sent with an intent: those of the form(s) that carry it, or of intent-less forms. */
      const fieldsFor = (intent: string | null) => {
        const carrying = forms.filter((form) => (intent === null ? form.intents.length === 0 : form.intents.includes(intent)));
        // One of each name: several forms of one intent (a row each) share their field names.
        const fields = [...new Map(carrying.flatMap((form) => form.fields).map((field) => [field.name, field])).values()];
        return fields.length ? fields : intent === null ? [...new Map(allFields.map((field) => [field.name, field])).values()] : [];
      };
      const submission = fc
        .tuple(fc.constantFrom<string | null>(null, ...known, "not-an-intent", "<script>", ...[...exempt].map((intent) => `${intent} `)), fc.nat(), fc.boolean())
        .chain(([intent, pick, multipart]) => {
          const fields = fieldsFor(intent).filter((field) => field.kind !== "file");
          const poisonable = fields.filter(canPoison);
          const poison = poisonable.length ? poisonable[pick % poisonable.length] : undefined;
          return fc.record({
            intent: fc.constant(intent),
            multipart: fc.constant(multipart),
            poison: poison ? invalidFor(poison).map((value) => [poison.name, value] as [string, string]) : fc.constant(null),
            // Every other field hostile, left out (missing fields) or as the page filled it (so the poison is
            // met past the record's lookup, by the checks that come after); a checkbox is never ticked.
            others: fc.tuple(
              ...fields
                .filter((field) => field !== poison)
                .map((field) => fc.option(othersFor(field), { nil: undefined }).map((value) => [field.name, value] as const)),
            ),
            extra: fc.array(fc.tuple(fc.constantFrom(...EXTRA_NAMES), anyHostile), { maxLength: 3 }),
          });
        });
      // Every intent at least once whatever the draws: its form with one field refused and the rest left out.
      type Submission = typeof submission extends fc.Arbitrary<infer T> ? T : never;
      const examples = [null, ...known].map((intent) => {
        const poison = fieldsFor(intent).find(canPoison);
        const value = poison ? fc.sample(invalidFor(poison), { numRuns: 1, seed: 1 })[0]! : "";
        return [{ intent, multipart: false, poison: poison ? ([poison.name, value] as [string, string]) : null, others: [], extra: [] }] as [Submission];
      });
      await fc.assert(
        fc.asyncProperty(submission, async ({ intent, multipart, poison, others, extra }) => {
          const fields: Array<[string, string]> = [];
          if (intent !== null) fields.push(["intent", intent]);
          if (poison) fields.push(poison);
          for (const [name, value] of others) if (value !== undefined) fields.push([name, value]);
          fields.push(...extra);
          const headers = { origin: web.appUrl, cookie: jar.header() };
          let body: BodyInit;
          if (multipart) {
            const form = new FormData();
            for (const [name, value] of fields) form.append(name, value);
            body = form;
          } else {
            body = urlencoded(fields);
            Object.assign(headers, { "content-type": "application/x-www-form-urlencoded" });
          }
          const response = await web.request(path, { method: "POST", headers, body });
          const text = await response.text();
          const described = `${route.path} ${JSON.stringify(fields.map(([name, value]) => [name, value.slice(0, 60)]))} → ${response.status} ${text.slice(0, 300)}`;
          statuses.push(response.status);
          expect(response.status, described).toBeLessThan(500);
          // Nothing changed, so this is also the state the next submission starts from.
          const after = await fingerprint();
          if (process.env.DEBUG_FORMS && changedTables(before, after).length) console.log("CHANGED", described.slice(0, 200));
          expect(changedTables(before, after), described).toEqual([]);
        }),
        { numRuns: Math.max(15, examples.length + 10), seed: 20261123, examples },
      );
      // DEBUG_FORMS=1 shows what was read from each page and what it answered.
      if (process.env.DEBUG_FORMS) console.log(route.path, page.status, forms.map((form) => `${form.intents.join("|")}(${form.fields.map((field) => `${field.name}:${field.kind}`).join(",")})`).join(" "), known, statuses.join(","), Date.now() - started, "ms");
    }
  }, 120_000);

  it("answers a form posted to a page with an id that is no id with a 404, never a 5xx", async () => {
    const routes = (await pageRoutes()).filter((route) => route.hasAction && route.path.includes(":") && !FORM_ROUTES[route.path]?.exempt);
    for (const route of routes) {
      const jar = jars[FORM_ROUTES[route.path]!.as];
      for (const id of ["not-a-uuid", "' or 1=1 --", "00000000-0000-4000-8000-000000000000", "%3Cscript%3E"]) {
        const path = route.path.replace(/:\w+/g, id);
        const response = await web.postForm(path, { intent: "save", name: "x" }, { jar });
        expect(response.status, `${path} → ${response.status}`).toBeLessThan(500);
      }
    }
  });

  it("answers a body that is no form (broken multipart, JSON, broken escapes) on every form without a 5xx and changes nothing", async () => {
    const bodies: Array<[string, string]> = [
      ["multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"intent\"\r\n\r\nsave"],
      ["multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"intent\"\r\n\r\nsave\r\n--x"],
      ["multipart/form-data; boundary=x", "geen multipart"],
      ["application/json", JSON.stringify({ intent: "save", name: "<script>alert(1)</script>" })],
      ["text/plain", "intent=save"],
      ["application/x-www-form-urlencoded", "%E0%A4%A&%zz=1&=&&intent&intent=%FF%FE"],
    ];
    const routes = (await pageRoutes()).filter((route) => route.hasAction && !FORM_ROUTES[route.path]?.exempt);
    const before = await fingerprint();
    for (const route of routes) {
      const jar = jars[FORM_ROUTES[route.path]!.as];
      for (const [type, body] of bodies) {
        const response = await web.request(concrete(route.path), { method: "POST", body, headers: { origin: web.appUrl, cookie: jar.header(), "content-type": type } });
        expect(response.status, `${route.path} ${type} ${body.slice(0, 40)} → ${response.status}`).toBeLessThan(500);
      }
    }
    expect(changedTables(before, await fingerprint())).toEqual([]);
  });

  it("answers ending a contact with a tampered or missing contact id with a 404 on the page, not a server error", async () => {
    const before = await fingerprint();
    const tampered: Array<Record<string, string>> = [{ intent: "end-contact" }, { intent: "end-contact", affiliationId: "' or 1=1 --", endReason: "left" }];
    for (const fields of tampered) {
      const response = await web.postForm(`/organisations/${ids.organisation}`, fields, { jar: jars.admin });
      expect(response.status, JSON.stringify(fields)).toBe(404);
    }
    expect(changedTables(before, await fingerprint())).toEqual([]);
  });

  describe("uploads", () => {
    const dutch = translator("nl");
    const upload = (path: string, fields: Record<string, string>, file: { name: string; type: string; bytes: Uint8Array<ArrayBuffer> | string } | null, field = "file") => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      if (file) form.append(field, new File([file.bytes], file.name, { type: file.type }));
      return web.request(path, { method: "POST", body: form, headers: { origin: web.appUrl, cookie: jars.admin.header() } });
    };
    const binary = new Uint8Array(Array.from({ length: 4096 }, (_, index) => (index * 7919 + 13) % 256));

    it.each([
      ["a CSV with an unclosed quote", { name: "organisaties.csv", type: "text/csv", bytes: 'Naam;Plaats\n"Hulshof;Hengelo\nWessels;Enschede\n' }, dutch("imports.errors.badCsv", { line: 3 })],
      ["a binary file named .csv", { name: "organisaties.csv", type: "text/csv", bytes: binary }, dutch("imports.errors.notCsvOrXlsx")],
      ["a broken XLSX", { name: "organisaties.xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...binary.slice(0, 200)]) }, dutch("imports.errors.notCsvOrXlsx")],
      ["an empty file", { name: "organisaties.csv", type: "text/csv", bytes: "" }, dutch("imports.errors.noFile")],
      ["only column headers", { name: "organisaties.csv", type: "text/csv", bytes: "Naam;Plaats\n" }, dutch("imports.errors.noRows")],
    ])("the import form refuses %s with a Dutch message and stores nothing", async (_name, file, message) => {
      const before = await fingerprint();
      const response = await upload("/imports/organisations", {}, file);
      const html = await response.text();
      expect(response.status, html.slice(0, 300)).toBe(400);
      // Every refusal of the import form is about the file, so it is said next to the file field.
      expect(fieldErrorOf(html, "file")).toBe(message);
      expect(changedTables(before, await fingerprint())).toEqual([]);
    });

    it("the import form refuses a file over 50 MB with a Dutch message and stores nothing", async () => {
      const before = await fingerprint();
      const response = await upload("/imports/organisations", {}, { name: "groot.csv", type: "text/csv", bytes: new Uint8Array(MAX_IMPORT_BYTES + 65 * 1024).fill(0x41) });
      expect(response.status).toBe(303);
      const page = await web.get(response.headers.get("location") ?? "", { jar: jars.admin });
      expect(fieldErrorOf(await page.text(), "file")).toBe(dutch("imports.errors.tooLarge"));
      expect(changedTables(before, await fingerprint())).toEqual([]);
    });

    const realisation = { intent: "realisation", date: "2026-11-01", amount: "250,00", description: "Factuur" };
    it.each([
      ["a CSV file", { name: "bewijs.csv", type: "text/csv", bytes: "Naam;Bedrag\nHulshof;250\n" }, dutch("commitments.validation.evidenceType")],
      ["a binary file named .pdf", { name: "bewijs.pdf", type: "application/pdf", bytes: binary }, dutch("commitments.validation.evidenceType")],
      ["an empty file", { name: "bewijs.pdf", type: "application/pdf", bytes: "" }, dutch("commitments.validation.evidenceEmpty")],
    ])("the evidence upload refuses %s next to the field and stores nothing", async (_name, file, message) => {
      const before = await fingerprint();
      const response = await upload(`/commitments/${ids.commitment}`, realisation, file, "evidence");
      const html = await response.text();
      expect(response.status, html.slice(0, 300)).toBe(400);
      expect(fieldErrorOf(html, "evidence")).toBe(message);
      expect(changedTables(before, await fingerprint())).toEqual([]);
    });

    it("the evidence upload refuses a file over 10 MB with a Dutch message and stores nothing", async () => {
      const before = await fingerprint();
      const bytes = new Uint8Array(MAX_DOCUMENT_BYTES + 65 * 1024).fill(0x41);
      bytes.set([0x25, 0x50, 0x44, 0x46, 0x2d]);
      const response = await upload(`/commitments/${ids.commitment}`, realisation, { name: "groot.pdf", type: "application/pdf", bytes }, "evidence");
      expect(response.status).toBe(303);
      const page = await web.get(response.headers.get("location") ?? "", { jar: jars.admin });
      expect(alertsOf(await page.text())).toContain(dutch("commitments.validation.evidenceTooLarge"));
      expect(changedTables(before, await fingerprint())).toEqual([]);
    });
  });

  describe("agreement document uploads", () => {
    const dutch = translator("nl");
    const fields = () => ({ intent: "save", kind: "covenant", title: "Convenant 2027", organisationIds: ids.organisation!, signedOn: "2026-11-01" });
    const send = (path: string, file: { name: string; type: string; bytes: Uint8Array<ArrayBuffer> | string }) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields())) form.append(name, value);
      form.append("document", new File([file.bytes], file.name, { type: file.type }));
      return web.request(path, { method: "POST", body: form, headers: { origin: web.appUrl, cookie: jars.admin.header() } });
    };
    const pdf = (size: number) => {
      const bytes = new Uint8Array(size).fill(0x20);
      bytes.set([0x25, 0x50, 0x44, 0x46, 0x2d]);
      return bytes;
    };

    it.each([
      ["an empty file", { name: "convenant.pdf", type: "application/pdf", bytes: "" }, dutch("commitments.validation.evidenceEmpty")],
      ["a text file named .pdf", { name: "convenant.pdf", type: "application/pdf", bytes: "Naam;Bedrag\n" }, dutch("commitments.validation.evidenceType")],
    ])("refuses %s next to the field and stores nothing", async (_name, file, message) => {
      const before = await fingerprint();
      const response = await send("/agreements/new", file);
      const html = await response.text();
      expect(response.status, html.slice(0, 300)).toBe(400);
      expect(fieldErrorOf(html, "document")).toBe(message);
      expect(changedTables(before, await fingerprint())).toEqual([]);
    });

    it("refuses a document over 10 MB with a Dutch message next to the field and stores nothing", async () => {
      const before = await fingerprint();
      for (const path of ["/agreements/new", `/agreements/${ids.agreement}`]) {
        const response = await send(path, { name: "groot.pdf", type: "application/pdf", bytes: pdf(MAX_DOCUMENT_BYTES + 65 * 1024) });
        expect(response.status, `${path}: ${(await response.clone().text()).slice(0, 200)}`).toBe(303);
        const page = await (await web.get(response.headers.get("location") ?? "", { jar: jars.admin })).text();
        expect(fieldErrorOf(page, "document"), path).toBe(dutch("commitments.validation.evidenceTooLarge"));
      }
      expect(changedTables(before, await fingerprint())).toEqual([]);
    });

    it("accepts a signed document of a few megabytes on the page and through the API, as it does up to 10 MB", async () => {
      const response = await send("/agreements/new", { name: "convenant.pdf", type: "application/pdf", bytes: pdf(3 * 1024 * 1024) });
      expect(response.status, (await response.clone().text()).slice(0, 200)).toBe(302);
      const form = new FormData();
      for (const [name, value] of Object.entries(fields())) form.append(name, value);
      form.append("document", new File([pdf(4 * 1024 * 1024)], "via-api.pdf", { type: "application/pdf" }));
      const api = await web.request("/api/v1/agreements", { method: "POST", token: adminToken, body: form });
      expect(api.status, (await api.clone().text()).slice(0, 200)).toBe(201);
      const stored = await t.db.selectFrom("documents").select(["file_name", "size_bytes"]).where("file_name", "in", ["convenant.pdf", "via-api.pdf"]).orderBy("file_name").execute();
      expect(stored.map((document) => Number(document.size_bytes))).toEqual([3 * 1024 * 1024, 4 * 1024 * 1024]);
    });
  });

  describe("stored text is shown escaped everywhere", () => {
    /** What an attacker with write access would store: script, a broken-out attribute, a closed textarea, a template. */
    const PAYLOAD = `<script>alert(1)</script>"><img src=x onerror=alert(1)></textarea>{{7*7}}`;
    const RAW = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</textarea>{{7*7}}"];
    const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
    const ESCAPED = escapeHtml(PAYLOAD);
    const xss: Record<string, string> = {};
    const xssPartner = new CookieJar();

    beforeAll(async () => {
      const post = async (path: string, body: unknown) => {
        const response = await web.request(`/api/v1${path}`, { token: adminToken, method: "POST", body: JSON.stringify(body) });
        expect(response.status, `${path}: ${await response.clone().text()}`).toBe(201);
        return ((await response.json()) as { id: string }).id;
      };
      const me = ((await (await web.request("/api/v1/me", { token: adminToken })).json()) as { id: string }).id;
      // Every text field the API lets a user fill, each with the payload.
      xss.organisation = await post("/organisations", {
        kind: "company", name: `${PAYLOAD} B.V.`, status: "active", tier: "regular", accountHolderId: me, sector: PAYLOAD, street: PAYLOAD, city: PAYLOAD, tags: ["<script>alert(1)</script>"],
      });
      xss.school = await post("/organisations", { kind: "vmbo", name: `${PAYLOAD} College`, status: "active", tier: "regular" });
      xss.person = await post("/people", { name: `${PAYLOAD} Persoon`, lawfulBasis: "legitimate_interest", source: PAYLOAD, phone: "<b>06</b>" });
      await post(`/people/${xss.person}/affiliations`, { organisationId: xss.organisation, role: PAYLOAD, isPrimary: true, startDate: "2024-01-01" });
      await post("/interactions", { organisationId: xss.organisation, kind: "call", summary: PAYLOAD, date: "2026-11-20", personIds: [xss.person], nextStep: PAYLOAD, nextStepDate: "2026-12-01" });
      await post("/tasks", { organisationId: xss.organisation, assigneeId: me, dueDate: "2026-12-02", title: PAYLOAD });
      xss.activity = await post("/activities", {
        type: "guest_lesson", title: PAYLOAD, description: PAYLOAD, topic: PAYLOAD, className: "<i>3B</i>", status: "planned", startDate: "2026-12-10", organisationIds: [xss.organisation], schoolIds: [xss.school],
      });
      xss.agreement = await post("/agreements", { kind: "covenant", title: PAYLOAD, notes: PAYLOAD, organisationIds: [xss.organisation], signedOn: "2026-01-01" });
      xss.commitment = await post("/commitments", { organisationId: xss.organisation, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 100000, notes: PAYLOAD, agreementReference: PAYLOAD });
      await post(`/commitments/${xss.commitment}/realisations`, { date: "2026-11-01", amountCents: 5000, description: PAYLOAD, evidence: PAYLOAD });
      const partner = await makeUser(t.db, { regionId: (await t.db.selectFrom("organisations").select("region_id").where("id", "=", xss.organisation).executeTakeFirstOrThrow()).region_id, role: "partner", name: `${PAYLOAD} Partner`, organisationId: xss.organisation });
      expect((await web.postForm("/sign-in", { email: partner.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: xssPartner })).status).toBe(302);
      xss.outbox = (await t.db.selectFrom("email_outbox").select("id").executeTakeFirstOrThrow()).id;
    });

    function xssPath(path: string) {
      const byRoute: Record<string, string | undefined> = {
        "/activities/:id": xss.activity, "/admin/outbox/:id": xss.outbox, "/admin/users/:id/handover": ids.holder, "/agreements/:id": xss.agreement,
        "/commitments/:id": xss.commitment, "/imports/organisations/:id": ids.import, "/imports/organisations/:id/progress": ids.import,
        "/invitation/:token": ids.invitation, "/organisations/:id": xss.organisation, "/people/:id": xss.person, "/people/:id/export": xss.person,
        "/people/:id/export.json": xss.person, "/reset-password/:token": ids.reset,
      };
      if (path === "/search") return "/search?q=Persoon";
      return path
        .replace(":schoolYear", "2025-2026")
        .replace(":figure", "companies")
        .replace(":organisationId", xss.organisation!)
        .replace(/:\w+/, byRoute[path] ?? "00000000-0000-4000-8000-000000000000");
    }

    /** Pages that show the stored text, where its escaped form must appear (a page not listed is still checked for the raw form). */
    const SHOWS_IT = ["/organisations", "/organisations/:id", "/people", "/people/:id", "/activities", "/activities/:id", "/tasks", "/agreements", "/agreements/:id", "/commitments", "/commitments/:id", "/portal", "/people/:id/export", "/search"];

    it("never sends the stored fragments unescaped in any page, loader data included, and every page forbids inline scripts", async () => {
      const routes = (await pageRoutes()).filter((route) => route.hasLoader);
      const shown: string[] = [];
      for (const route of routes) {
        const jar = route.path.startsWith("/portal") ? xssPartner : jars.admin;
        const path = xssPath(route.path);
        const response = await web.get(path, { jar });
        expect(response.status, path).toBeLessThan(500);
        const type = response.headers.get("content-type") ?? "";
        const body = await response.text();
        if (!type.includes("text/html")) {
          // A download is not a page: nothing in it runs as script in our origin.
          expect(body.includes(RAW[0]!) ? type : "", `${path} sends the raw fragment as ${type}`).not.toMatch(/html|javascript/);
          continue;
        }
        for (const raw of RAW) expect(body.includes(raw), `${path} contains ${raw} unescaped`).toBe(false);
        // Remix's serialized loader data is a script: no stored text may close it early.
        expect(body.match(/<\/script/gi)?.length ?? 0, `${path}: every </script> closes a script of ours`).toBe(body.match(/<script\b/gi)?.length ?? 0);
        if (body.includes(ESCAPED)) shown.push(route.path);
        // Remix writes loader data into a script as JSON with <, > and & as \u003c, \u003e and \u0026: present, inert.
        if (body.includes(ESCAPED)) expect(body, `${path}: the loader data holds the text, escaped for a script`).toContain("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e");
        const scriptSrc = (response.headers.get("content-security-policy") ?? "").split(";").map((directive) => directive.trim()).find((directive) => directive.startsWith("script-src"));
        expect(scriptSrc, `${path} has a script-src`).toMatch(/'nonce-[^']+'/);
        expect(scriptSrc).not.toContain("'unsafe-inline'");
        const nonce = /'nonce-([^']+)'/.exec(scriptSrc ?? "")?.[1];
        for (const match of body.matchAll(/<script\b([^>]*)>/g)) expect(match[1], `${path}: a script without the nonce`).toContain(`nonce="${nonce}"`);
      }
      if (process.env.DEBUG_FORMS) console.log("shown escaped on", shown);
      expect(SHOWS_IT.filter((path) => !shown.includes(path)), "pages that should show the stored text, escaped").toEqual([]);
    });
  });

  it("sees a change when a form does save (the comparison above is not blind)", async () => {
    const before = await fingerprint();
    const response = await web.postForm(`/organisations/${ids.organisation}`, { intent: "log-interaction", kind: "call", summary: "Gebeld over de stage", date: "2026-11-20" }, { jar: jars.admin });
    expect(response.status).toBe(200);
    expect(changedTables(before, await fingerprint())).toEqual(expect.arrayContaining(["interactions", "audit_log"]));
  });
});
