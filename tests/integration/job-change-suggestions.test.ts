import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rotateInboundSecret } from "../../server/domains/mail-capture/mail-capture.settings";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_PASSWORD } from "../support/factories";
import { sentMail } from "../support/mail";

/**
 * "Mogelijk van baan gewisseld" (decision 142): a known contact in captured mail at another company's
 * domain is suggested as a possible job change on the "Te koppelen" page, to confirm (a new job, a
 * lead when the employer is not a partner) or put away. Mail arrives through the HTTP inbound endpoint.
 */
const NOW = new Date("2026-12-07T10:00:00Z");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe("a known contact writing from a new company's domain", () => {
  let t: TestDatabase;
  let web: TestApp;
  let secret: string;
  let holder: { email: string; token: string; id: string };
  let logAddress: string;
  let sjobergId: string;
  const jar = new CookieJar();
  const people: Record<string, string> = {};

  const call = (path: string, init: RequestInit & { token?: string } = {}) => web.request(path, init);
  const json = async (response: Response) => (await response.json()) as Json;
  const relay = (to: string[], id: string, text = "Ik werk sinds deze maand bij Hulshof. Vertrouwelijk: mijn salaris is hoger.") =>
    call("/api/v1/inbound/mail", {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "message/rfc822" },
      body: new Uint8Array(sentMail({ from: `Eva de Boer <${holder.email}>`, to, subject: "Even bijpraten", text, messageId: `${id}@school.example`, extraHeaders: `Return-Path: <${holder.email}>\r\nDelivered-To: ${logAddress}` })),
    });
  const suggestions = () => t.db.selectFrom("job_change_suggestions").selectAll().orderBy("created_at").execute();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { now: NOW, remix: true });
    const regionId = (await makeRegion(t.db)).id;
    const admin = await makeUserWithToken(t.db, { regionId, role: "admin" });
    secret = (await rotateInboundSecret(t.db, { regionId, userId: admin.user.id, role: "admin", organisationId: null }, { actor: null, now: NOW })).secret;
    const made = await makeUserWithToken(t.db, { regionId, role: "accounthouder", email: "eva@school.example", name: "Eva de Boer" });
    holder = { email: made.user.email, token: made.token, id: made.user.id };
    logAddress = (await json(await call("/api/v1/me", { token: holder.token }))).loggingAddress;
    const post = async (path: string, body: unknown) => json(await call(`/api/v1${path}`, { method: "POST", token: holder.token, body: JSON.stringify(body) }));
    sjobergId = (await post("/organisations", { kind: "company", name: "Sjöberg Techniek", website: "https://www.sjoberg.example" })).id;
    for (const [name, email] of [["Jan de Vries", "jan@sjoberg.example"], ["Petra Jansen", "petra@sjoberg.example"], ["Kees Bakker", "kees@sjoberg.example"], ["Anna Smit", "anna@sjoberg.example"]] as const) {
      people[name] = (await post("/people", { name, email })).id;
      await post(`/people/${people[name]}/affiliations`, { organisationId: sjobergId, startDate: "2024-01-01" });
    }
    await web.postForm("/sign-in", { email: holder.email, password: TEST_PASSWORD, redirectTo: "/inbox" }, { jar });
  });
  afterAll(() => t?.drop());

  it("records a suggestion from the headers only, never for a public mail provider or the organisation's own domain", async () => {
    const response = await relay([
      "Jan de Vries <jan@hulshof-installatie.example>", "Petra Jansen <petra.jansen@gmail.com>", "Kees Bakker <k.bakker@sjoberg.example>", "Anna <anna@elders.example>",
    ], "jc-1");
    expect(response.status).toBe(202);
    const rows = await suggestions();
    expect(rows).toEqual([expect.objectContaining({ person_id: people["Jan de Vries"], user_id: holder.id, email: "jan@hulshof-installatie.example", domain: "hulshof-installatie.example", seen_on: "2026-12-05", decided_at: null })]);
    // Nothing of the mail's text is in the suggestion.
    expect(JSON.stringify(rows)).not.toMatch(/salaris|Hulshof\. /);
    // The same address again suggests nothing new.
    await relay(["Jan de Vries <jan@hulshof-installatie.example>"], "jc-2");
    expect(await suggestions()).toHaveLength(1);
    for (const domain of ["outlook.com", "hotmail.com", "live.nl", "ziggo.nl", "kpnmail.nl", "icloud.com"]) await relay([`Kees Bakker <kees.bakker@${domain}>`], `jc-free-${domain}`);
    expect(await suggestions()).toHaveLength(1);
  });

  it("shows it on the Te koppelen page; confirming records the new job through the new-job flow, a lead for a company not in Schakel", async () => {
    const page = await (await web.get("/inbox", { jar })).text();
    expect(page).toContain("Mogelijk van baan gewisseld");
    expect(page).toContain("jan@hulshof-installatie.example");
    const [suggestion] = await suggestions();
    const stale = await web.postForm("/inbox", { intent: "job-change-confirm", suggestionId: suggestion!.id, version: "9", employerName: "Hulshof Installatietechniek", startDate: "2026-12-01" }, { jar });
    expect(stale.status).toBe(409);
    const confirmed = await web.postForm("/inbox", { intent: "job-change-confirm", suggestionId: suggestion!.id, version: "1", employerName: "Hulshof Installatietechniek", startDate: "2026-12-01" }, { jar });
    expect(confirmed.status).toBe(200);
    const said = await confirmed.text();
    expect(said).toContain("de nieuwe werkgever staat bij Kansen");
    expect(said).toContain("Het e-mailadres is nu jan@hulshof-installatie.example.");
    const leads = (await json(await call("/api/v1/leads", { token: holder.token }))).items;
    expect(leads).toEqual([expect.objectContaining({ personId: people["Jan de Vries"], fromOrganisationId: sjobergId, toOrganisationId: null, toOrganisationName: "Hulshof Installatietechniek", since: "2026-12-01" })]);
    const jan = await json(await call(`/api/v1/people/${people["Jan de Vries"]}`, { token: holder.token }));
    expect(jan.affiliations).toEqual([expect.objectContaining({ organisationId: sjobergId, endDate: "2026-12-01", endReason: "left_organisation" })]);
    // The old address was the previous employer's: the one from the mail takes its place, audited.
    expect(jan.email).toBe("jan@hulshof-installatie.example");
    expect(await t.db.selectFrom("audit_log").select(["after"]).where("entity_id", "=", people["Jan de Vries"]!).where("action", "=", "person.update").execute())
      .toEqual([{ after: expect.objectContaining({ changed: ["email"] }) }]);
    expect((await suggestions())[0]).toMatchObject({ decision: "confirmed", decided_by: holder.id });
    expect(await (await web.get("/inbox", { jar })).text()).not.toContain("Mogelijk van baan gewisseld");
  });

  it("puts a suggestion away: it is kept with who decided, and that address never suggests again; another user's is not found", async () => {
    await relay(["Anna Smit <anna@bakker-metaal.example>"], "jc-3");
    const open = (await suggestions()).filter((row) => !row.decided_at);
    expect(open).toEqual([expect.objectContaining({ person_id: people["Anna Smit"], domain: "bakker-metaal.example" })]);
    const other = await makeUserWithToken(t.db, { regionId: (await t.db.selectFrom("users").select("region_id").where("id", "=", holder.id).executeTakeFirstOrThrow()).region_id, role: "accounthouder", email: "ot@school.example" });
    const otherJar = new CookieJar();
    await web.postForm("/sign-in", { email: other.user.email, password: TEST_PASSWORD, redirectTo: "/inbox" }, { jar: otherJar });
    expect((await web.postForm("/inbox", { intent: "job-change-dismiss", suggestionId: open[0]!.id, version: "1" }, { jar: otherJar })).status).toBe(404);
    const dismissed = await web.postForm("/inbox", { intent: "job-change-dismiss", suggestionId: open[0]!.id, version: "1" }, { jar });
    expect(dismissed.status).toBe(200);
    expect(await dismissed.text()).toContain("dit adres wordt niet meer voorgesteld");
    await relay(["Anna Smit <anna@bakker-metaal.example>"], "jc-4");
    expect((await suggestions()).filter((row) => !row.decided_at)).toEqual([]);
    expect(await t.db.selectFrom("job_change_suggestions").select(["decision", "decided_by"]).where("id", "=", open[0]!.id).executeTakeFirst()).toEqual({ decision: "dismissed", decided_by: holder.id });
  });

  it("through the API: listed as a page, confirmed at a partner of that exact name (a job there, its owner told), refused to a partner user", async () => {
    const bakkerId = (await json(await call("/api/v1/organisations", { method: "POST", token: holder.token, body: JSON.stringify({ kind: "company", name: "Bakker Metaal", accountHolderId: holder.id, website: "https://www.bakker-metaal.example" }) }))).id;
    await relay(["Petra Jansen <petra@bakker-metaal.example>"], "jc-api");
    const listed = await json(await call("/api/v1/job-change-suggestions?limit=1", { token: holder.token }));
    expect(listed).toEqual({ items: [expect.objectContaining({ personId: people["Petra Jansen"], email: "petra@bakker-metaal.example", organisationNames: ["Sjöberg Techniek"], likelyEmployer: "Bakker Metaal", seenOn: "2026-12-05" })], nextCursor: null });
    expect((await call("/api/v1/job-change-suggestions?cursor=bm9wZQ", { token: holder.token })).status).toBe(400);
    const partner = await makeUserWithToken(t.db, { regionId: (await t.db.selectFrom("users").select("region_id").where("id", "=", holder.id).executeTakeFirstOrThrow()).region_id, role: "partner", organisationId: sjobergId, email: "p@sjoberg.example" });
    const [suggestion] = listed.items;
    expect((await call(`/api/v1/job-change-suggestions/${suggestion.id}/confirm`, { method: "POST", token: partner.token, body: JSON.stringify({ version: 1, employerName: "Bakker Metaal" }) })).status).toBe(403);
    const confirmed = await call(`/api/v1/job-change-suggestions/${suggestion.id}/confirm`, { method: "POST", token: holder.token, body: JSON.stringify({ version: 1, employerName: "bakker metaal" }) });
    expect(confirmed.status).toBe(201);
    expect(await json(confirmed)).toEqual({ personId: people["Petra Jansen"], leadId: null, organisationId: bakkerId, email: "petra@bakker-metaal.example" });
    expect(await t.db.selectFrom("tasks").select(["title", "assignee_id"]).where("source", "=", "contact_joined").where("organisation_id", "=", bakkerId).execute())
      .toEqual([{ title: "Bekend contact: Petra Jansen (eerder bij Sjöberg Techniek) werkt nu bij Bakker Metaal", assignee_id: holder.id }]);
  });

  it("keeps the person's address when the new one already belongs to someone else of the region", async () => {
    await call("/api/v1/organisations", { method: "POST", token: holder.token, body: JSON.stringify({ kind: "company", name: "Van Dam Elektro", website: "https://vandam.example" }) });
    await relay(["Kees Bakker <info@vandam.example>"], "jc-shared");
    const [suggestion] = (await json(await call("/api/v1/job-change-suggestions", { token: holder.token }))).items;
    expect(suggestion).toMatchObject({ personId: people["Kees Bakker"], email: "info@vandam.example" });
    // Meanwhile a colleague at Van Dam is recorded with the shared address.
    await call("/api/v1/people", { method: "POST", token: holder.token, body: JSON.stringify({ name: "Receptie Van Dam", email: "info@vandam.example" }) });
    const confirmed = await call(`/api/v1/job-change-suggestions/${suggestion.id}/confirm`, { method: "POST", token: holder.token, body: JSON.stringify({ version: 1, employerName: "Van Dam Elektro" }) });
    expect(confirmed.status).toBe(201);
    expect(await json(confirmed)).toMatchObject({ personId: people["Kees Bakker"], email: null });
    expect((await json(await call(`/api/v1/people/${people["Kees Bakker"]}`, { token: holder.token }))).email).toBe("kees@sjoberg.example");
  });

  it("an erased person's suggestions go with them", async () => {
    const { count } = await t.db.selectFrom("job_change_suggestions").select((eb) => eb.fn.countAll<string>().as("count")).where("person_id", "=", people["Anna Smit"]!).executeTakeFirstOrThrow();
    expect(Number(count)).toBe(1);
    const privacy = await makeUserWithToken(t.db, { regionId: (await t.db.selectFrom("users").select("region_id").where("id", "=", holder.id).executeTakeFirstOrThrow()).region_id, role: "admin", email: "privacy@school.example" });
    const erased = await call(`/api/v1/people/${people["Anna Smit"]}/erase`, { method: "POST", token: privacy.token });
    expect(erased.status, await erased.clone().text()).toBe(200);
    expect((await json(erased)).changes).toContainEqual({ table: "job_change_suggestions", kind: "rows_deleted", count: 1 });
  });
});
