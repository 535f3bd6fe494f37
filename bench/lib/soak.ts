/**
 * The pieces of `npm run soak` (bench/soak.ts) that do not start anything: who the virtual users are
 * (found in, and where needed added to, the database), what each of them does in a loop over HTTP,
 * what is counted, and how the writes are checked afterwards. tests/integration/soak-smoke.test.ts
 * runs the same loop for a few seconds against the demo region.
 *
 * Each virtual user is one browser (its own cookies, signed in through the sign-in form) or one API
 * client (its own bearer token), asking one request at a time with a short think time in between,
 * as a person does. Requests go through fetch (undici) directly: every user asks for different
 * things and carries state (cookies, the cursor of the page it is on, the organisation it opened).
 */
import { randomUUID } from "node:crypto";
import { createApiToken } from "../../server/auth/api-tokens";
import type { Database } from "../../server/db/database";
import { createUser } from "../../server/domains/users/users.service";
import { schoolYearOf } from "../../calendar/school-year";

export type SoakRole = "holder" | "penvoerder" | "api" | "partner";

/**
 * The mix of 20 users: half account holders in the pages, the rest penvoerders, account holders
 * through the API and partner users in the portal. The first four are one of each, so a small run
 * (the smoke test) still exercises every kind.
 */
export const SOAK_MIX: SoakRole[] = [
  "holder", "partner", "penvoerder", "api", "holder", "holder", "partner", "holder", "api", "holder",
  "penvoerder", "holder", "partner", "holder", "api", "holder", "penvoerder", "holder", "partner", "holder",
];

export type SoakUser = {
  index: number;
  role: SoakRole;
  email: string;
  userId: string;
  regionSlug: string;
  /** API users only. */
  token?: string;
};

/**
 * Finds a distinct signed-up user per virtual user, spreading them over `regionSlugs`. Partner users
 * are taken from the region when it has any (the demo region does) and otherwise added once, with
 * `password`, for an active company that has an account holder (the national set has none);
 * they are found again on the next run. API users get a fresh token.
 */
export async function prepareSoakUsers(db: Database, options: { regionSlugs: string[]; roles: SoakRole[]; password: string; now: Date }): Promise<SoakUser[]> {
  const regions = await db.selectFrom("regions").select(["id", "slug"]).where("slug", "in", options.regionSlugs).execute();
  const ordered = options.regionSlugs.map((slug) => {
    const region = regions.find((r) => r.slug === slug);
    if (!region) throw new Error(`No region ${slug} in this database`);
    return region;
  });
  const taken = new Set<string>();
  const users: SoakUser[] = [];
  const perRole = new Map<SoakRole, number>();
  for (const [index, role] of options.roles.entries()) {
    const nth = perRole.get(role) ?? 0;
    perRole.set(role, nth + 1);
    // Round robin over the regions per role, so e.g. the three penvoerders are of three regions.
    const region = ordered[nth % ordered.length]!;
    const dbRole = role === "holder" || role === "api" ? "accounthouder" : role;
    let candidate = await db.selectFrom("users").select(["id", "email"])
      .where("region_id", "=", region.id).where("role", "=", dbRole).where("active", "=", true).where("password_hash", "is not", null)
      .$if(dbRole === "partner", (q) => q.where("organisation_id", "is not", null))
      .$if(taken.size > 0, (q) => q.where("id", "not in", [...taken]))
      .orderBy("email").executeTakeFirst();
    if (!candidate && role === "partner") candidate = await addPartnerUser(db, region, nth, options);
    if (!candidate) throw new Error(`No ${dbRole} left in ${region.slug} for virtual user ${index + 1}`);
    taken.add(candidate.id);
    const token = role === "api" ? (await createApiToken(db, { userId: candidate.id, name: "soak", now: options.now })).token : undefined;
    users.push({ index, role, email: candidate.email, userId: candidate.id, regionSlug: region.slug, ...(token ? { token } : {}) });
  }
  return users;
}

async function addPartnerUser(db: Database, region: { id: string; slug: string }, nth: number, options: { password: string; now: Date }) {
  const email = `soak-partner-${nth + 1}@${region.slug}.schakel.demo`;
  const existing = await db.selectFrom("users").select(["id", "email"]).where("email", "=", email).executeTakeFirst();
  if (existing) return existing;
  const organisation = await db.selectFrom("organisations").select("id")
    .where("region_id", "=", region.id).where("kind", "=", "company").where("status", "=", "active")
    .where("archived_at", "is", null).where("account_holder_id", "is not", null)
    .orderBy("name").offset(nth).limit(1).executeTakeFirstOrThrow();
  const user = await db.transaction().execute((trx) => createUser(trx, { regionId: region.id, email, name: `Soak partner ${nth + 1}`, role: "partner", organisationId: organisation.id, password: options.password }, { actor: null, now: options.now, appUrl: "http://soak" }));
  return { id: user.id, email };
}

// ---------------------------------------------------------------------------------------------
// What is counted.

/** One kind of request: its latencies (ms) and the unexpected answers, with a few examples. */
export type KindStats = { requests: number; errors: number; latencies: number[]; examples: string[] };

export class SoakStats {
  readonly kinds = new Map<string, KindStats>();
  /** Every write the server acknowledged, by its unique marker. */
  readonly acknowledged = { interactions: [] as string[], activities: [] as string[] };
  /** Server error lines (stderr) seen during the run. */
  readonly serverErrors: string[] = [];

  record(kind: string, ms: number, error?: string) {
    let stats = this.kinds.get(kind);
    if (!stats) this.kinds.set(kind, (stats = { requests: 0, errors: 0, latencies: [], examples: [] }));
    stats.requests += 1;
    stats.latencies.push(ms);
    if (error) {
      stats.errors += 1;
      if (stats.examples.length < 5) stats.examples.push(error);
    }
  }

  get requests() {
    return [...this.kinds.values()].reduce((sum, k) => sum + k.requests, 0);
  }

  get errors() {
    return [...this.kinds.values()].reduce((sum, k) => sum + k.errors, 0);
  }

  summary() {
    return [...this.kinds.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, k]) => {
      const sorted = [...k.latencies].sort((a, b) => a - b);
      const at = (q: number) => Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
      return { kind, requests: k.requests, errors: k.errors, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1), examples: k.examples };
    });
  }
}

// ---------------------------------------------------------------------------------------------
// One virtual user.

export type SoakOptions = {
  baseUrl: string;
  /** The run's marker: every write carries it, followed by the user and a sequence number. */
  marker: string;
  /** The server's day (SCHAKEL_NOW), for the school year in the penvoerder's pages. */
  today: string;
  password: string;
  stats: SoakStats;
  /** When to stop: checked between requests; the request under way finishes. */
  until: () => boolean;
  /** Stop after this many rounds of the mix as well (the smoke test does one of each). */
  iterations?: number;
  /** Mean think time between requests (ms); each pause is between half and one and a half times it. */
  thinkMs?: number;
  /** A seeded random for the choices (default Math.random). */
  random?: () => number;
};

type Expect = { status: number[]; contains?: string; redirectTo?: string };
type Answer = { status: number; body: string; location: string | null; ok: boolean };

/** Thrown out of a user's loop when a step cannot go on (an error was already recorded). */
class StepFailed extends Error {}

/** The run's marker: "soak-" and hex digits, so it holds no LIKE wildcard. */
export function newRunMarker() {
  return `soak-${randomUUID().slice(0, 8)}`;
}

/** One virtual user's session: signs in, then loops over its role's mix until `until()`. */
export async function runSoakUser(user: SoakUser, options: SoakOptions) {
  const client = new SoakClient(user, options);
  const random = options.random ?? Math.random;
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const think = async (factor = 1) => {
    const mean = (options.thinkMs ?? 500) * factor;
    await new Promise((resolve) => setTimeout(resolve, mean * (0.5 + random())));
  };
  let writes = 0;
  const nextMarker = () => `${options.marker}#u${user.index + 1}-${++writes}`;

  if (user.role !== "api") {
    const signIn = await client.send("sign in", "/sign-in", { status: [302] }, { form: { email: user.email, password: options.password, redirectTo: "/" } });
    if (!signIn.ok) return;
  }

  const schoolYear = schoolYearOf(options.today);
  let iteration = 0;
  while (!options.until() && iteration < (options.iterations ?? Infinity)) {
    iteration += 1;
    try {
      if (user.role === "holder" || user.role === "penvoerder") {
        // The organisation list with a filter and a sort, then the next page, as someone browses.
        const filter = pick(["status=active", "kind=company", "tier=strategic", "health=cold", "status=active&kind=vmbo", `accountHolderId=${user.userId}`, ""]);
        const sort = pick(["name", "city", "tier", "updated"]);
        let list = await client.page("organisation list", `/organisations?${filter}${filter ? "&" : ""}sort=${sort}`);
        await think();
        if (!organisationLinks(list.body).length && filter && !options.until()) {
          // Nothing matches (e.g. no cold organisations of one's own): clear the filter, as a person would.
          list = await client.page("organisation list", `/organisations?sort=${sort}`);
          await think();
        }
        const next = nextPageLink(list.body);
        let organisationIds = organisationLinks(list.body);
        if (next && !options.until()) {
          const more = await client.page("organisation list, next page", next);
          organisationIds = organisationIds.concat(organisationLinks(more.body));
          await think();
        }
        const organisationId = organisationIds.length ? pick(organisationIds) : null;
        if (organisationId && !options.until()) {
          const page = await client.page("organisation page", `/organisations/${organisationId}`);
          await think();
          // Search as you type: the page fetches the loader's data as the prefix grows.
          const word = searchWord(page.body, random);
          for (let length = 2; length <= Math.min(word.length, 5) && !options.until(); length++) {
            await client.send("search as you type", `/search?q=${encodeURIComponent(word.slice(0, length))}&_data=routes%2Fsearch`, { status: [200] });
            await think(0.3);
          }
          if (user.role === "holder" && !options.until()) {
            // Log a contact moment through the page's form, as the browser posts it.
            const marker = nextMarker();
            const logged = await client.send("log contact moment (form)", `/organisations/${organisationId}`, { status: [200], contains: "Het contactmoment is vastgelegd" }, {
              form: { intent: "log-interaction", kind: pick(["call", "visit", "email", "meeting"]), date: options.today, summary: `Gesproken over stageplekken (${marker})`, nextStep: "", nextStepDate: "" },
            });
            if (logged.ok) options.stats.acknowledged.interactions.push(marker);
            await think();
          }
        }
        if (!options.until()) {
          await client.page("Aandacht nodig", "/attention");
          await think();
        }
        if (user.role === "penvoerder" && !options.until()) {
          await client.page(iteration % 2 ? "co-financing page" : "region's figures", iteration % 2 ? `/cofinancing/${schoolYear}` : `/reports/${schoolYear}`);
          await think();
        }
      } else if (user.role === "api") {
        const sort = pick(["name", "city", "updated"]);
        type Page = { items: Array<{ id: string; name: string }>; nextCursor: string | null };
        const first = await client.json<Page>("API organisations", `/api/v1/organisations?status=active&sort=${sort}`);
        await think();
        let items = first.items;
        if (first.nextCursor && !options.until()) {
          const next = await client.json<Page>("API organisations, next page", `/api/v1/organisations?status=active&sort=${sort}&cursor=${encodeURIComponent(first.nextCursor)}`);
          items = items.concat(next.items);
          await think();
        }
        const organisation = items.length ? pick(items) : null;
        if (organisation && !options.until()) {
          await client.send("API organisation", `/api/v1/organisations/${organisation.id}`, { status: [200] });
          await think();
          const word = wordOf(organisation.name, random);
          for (let length = 2; length <= Math.min(word.length, 5) && !options.until(); length++) {
            await client.send("API search", `/api/v1/search?q=${encodeURIComponent(word.slice(0, length))}`, { status: [200] });
            await think(0.3);
          }
          if (!options.until()) {
            const marker = nextMarker();
            const logged = await client.send("API log contact moment", "/api/v1/interactions", { status: [201] }, {
              json: { organisationId: organisation.id, kind: pick(["call", "email", "meeting"]), summary: `Via de koppeling vastgelegd (${marker})` },
            });
            if (logged.ok) options.stats.acknowledged.interactions.push(marker);
            await think();
          }
        }
      } else {
        await client.page("portal", "/portal");
        await think();
        // A partner offers a guest lesson now and then, between looking at its own pages.
        if (iteration % 3 === 1 && !options.until()) {
          const form = await client.page("portal offer form", "/portal/offer");
          await think();
          if (!options.until()) {
            const marker = nextMarker();
            const schools = selectOptions(form.body, "schoolId");
            const offered = await client.send("portal offer (guest lesson)", "/portal/offer", { status: [302], redirectTo: "/portal?offered=1" }, {
              form: {
                type: "guest_lesson", title: `Gastles ${marker}`, startDate: inputValue(form.body, "startDate") ?? options.today, endDate: "", placesOffered: "",
                schoolId: schools.length ? pick(schools) : "", topic: "Werken in de techniek", speakerPersonId: "", profiles: "BWI",
              },
            });
            if (offered.ok) {
              options.stats.acknowledged.activities.push(marker);
              await client.page("portal", offered.location!);
            }
            await think();
          }
        }
      }
    } catch (error) {
      if (!(error instanceof StepFailed)) throw error;
      await think();
    }
  }
}

class SoakClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly user: SoakUser, private readonly options: SoakOptions) {}

  /** A page as the browser loads it: 200 expected; the rest of the loop needs it, so failure ends the step. */
  async page(kind: string, path: string) {
    const answer = await this.send(kind, path, { status: [200] });
    if (!answer.ok) throw new StepFailed(kind);
    return answer;
  }

  /** An API GET: 200 with a JSON body expected; failure ends the step. */
  async json<T>(kind: string, path: string): Promise<T> {
    const answer = await this.send(kind, path, { status: [200] });
    if (!answer.ok) throw new StepFailed(kind);
    return JSON.parse(answer.body) as T;
  }

  async send(kind: string, path: string, expect: Expect, body?: { form?: Record<string, string>; json?: unknown }): Promise<Answer> {
    const headers = new Headers({ "user-agent": `schakel-soak/${this.user.index + 1}` });
    if (this.user.token) headers.set("authorization", `Bearer ${this.user.token}`);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    let payload: string | undefined;
    if (body?.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      // A browser names the page's origin on a form POST; Remix and the CSRF check compare it.
      headers.set("origin", this.options.baseUrl);
      payload = new URLSearchParams(body.form).toString();
    } else if (body?.json !== undefined) {
      headers.set("content-type", "application/json");
      payload = JSON.stringify(body.json);
    }
    const t0 = performance.now();
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.options.baseUrl + path, { method: payload === undefined ? "GET" : "POST", headers, body: payload, redirect: "manual", signal: AbortSignal.timeout(30_000) });
      text = await response.text();
    } catch (error) {
      const ms = performance.now() - t0;
      this.options.stats.record(kind, ms, `${path}: network error ${(error as Error).message}`);
      return { status: 0, body: "", location: null, ok: false };
    }
    const ms = performance.now() - t0;
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1);
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = response.headers.get("location");
    let error: string | undefined;
    if (!expect.status.includes(response.status)) error = `${path}: ${response.status}${location ? ` → ${location}` : ""} ${text.slice(0, 200).replace(/\s+/g, " ")}`;
    else if (expect.contains && !text.includes(expect.contains)) error = `${path}: ${response.status} without "${expect.contains}"`;
    else if (expect.redirectTo && location !== expect.redirectTo) error = `${path}: ${response.status} → ${location}, not ${expect.redirectTo}`;
    this.options.stats.record(kind, ms, error);
    return { status: response.status, body: text, location, ok: !error };
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the pages as a browser would follow them.

const unescapeHtml = (value: string) => value.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

/** The ids of the organisations the page links to. */
export function organisationLinks(html: string): string[] {
  return [...new Set([...html.matchAll(/href="\/organisations\/([0-9a-f-]{36})"/g)].map((m) => m[1]!))];
}

/** The list's "next page" link (it carries the cursor), if there is one. */
export function nextPageLink(html: string): string | null {
  const match = /href="(\/organisations\?[^"]*cursor=[^"]*)"/.exec(html);
  return match ? unescapeHtml(match[1]!) : null;
}

/** A word to type into the search box: from the organisation's name in the page's title. */
function searchWord(html: string, random: () => number) {
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? "";
  return wordOf(unescapeHtml(title.replace(/ · .*$/, "")), random);
}

function wordOf(name: string, random: () => number) {
  const words = name.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3);
  return words.length ? words[Math.floor(random() * words.length)]! : "bouw";
}

function selectOptions(html: string, name: string): string[] {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? "";
  return [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]!);
}

function inputValue(html: string, name: string): string | null {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return tag ? (/value="([^"]*)"/.exec(tag)?.[1] ?? null) : null;
}

// ---------------------------------------------------------------------------------------------
// Afterwards: every acknowledged write is in the database, once.

export type WriteCheck = {
  table: "interactions" | "activities";
  acknowledged: number;
  stored: number;
  distinct: number;
  missing: string[];
  duplicates: string[];
  unacknowledged: string[];
  pass: boolean;
};

export async function checkWrites(db: Database, stats: SoakStats, marker: string): Promise<WriteCheck[]> {
  const pattern = `%${marker}#%`;
  const stored = {
    interactions: (await db.selectFrom("interactions").select("summary as text").where("summary", "like", pattern).execute()).map((r) => r.text),
    activities: (await db.selectFrom("activities").select("title as text").where("title", "like", pattern).execute()).map((r) => r.text),
  };
  return (["interactions", "activities"] as const).map((table) => {
    const markers = stored[table].map((text) => new RegExp(`${marker}#u\\d+-\\d+`).exec(text)?.[0] ?? text);
    const counts = new Map<string, number>();
    for (const m of markers) counts.set(m, (counts.get(m) ?? 0) + 1);
    const acknowledged = new Set(stats.acknowledged[table]);
    const missing = [...acknowledged].filter((m) => !counts.has(m));
    const duplicates = [...counts].filter(([, n]) => n > 1).map(([m]) => m);
    const unacknowledged = [...counts.keys()].filter((m) => !acknowledged.has(m));
    return {
      table, acknowledged: stats.acknowledged[table].length, stored: markers.length, distinct: counts.size,
      missing, duplicates, unacknowledged,
      pass: markers.length === stats.acknowledged[table].length && acknowledged.size === stats.acknowledged[table].length && !missing.length && !duplicates.length && !unacknowledged.length,
    };
  });
}

/** Slope of y over x by least squares (per unit of x). */
export function slope(points: Array<[number, number]>): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
}
