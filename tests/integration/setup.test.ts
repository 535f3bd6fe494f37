import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prepareSetupToken, SETUP_TOKEN_OVERLAP_MINUTES } from "../../server/domains/setup/setup.service";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, sessionCookiesOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW } from "../support/factories";

const INVALID_TOKEN_MESSAGE = "Deze inrichtingslink is niet (meer) geldig. Schakel is al ingericht, of de link is verkeerd overgenomen.";
const PASSWORD = "the first admin's passphrase";

// Setup only exists while there are no users, so every test starts from an empty database.
describe("the one-time setup", () => {
  let t: TestDatabase;
  let web: TestApp;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
  });
  beforeEach(async () => {
    await sql`truncate regions, users, sessions, user_tokens, api_tokens, sign_in_attempts, audit_log, email_outbox, instance_settings cascade`.execute(t.db);
  });
  afterAll(() => t.drop());

  const validForm = (token: string, overrides: Record<string, string> = {}) => ({
    token,
    regionName: "STO Twente",
    regionSlug: "twente",
    adminName: "Anna Admin",
    adminEmail: "anna@sto-twente.nl",
    password: PASSWORD,
    confirm: PASSWORD,
    ...overrides,
  });

  const counts = async () => ({
    regions: Number((await t.db.selectFrom("regions").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
    users: Number((await t.db.selectFrom("users").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
    sessions: Number((await t.db.selectFrom("sessions").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
  });
  const nothing = { regions: 0, users: 0, sessions: 0 };

  /** Submits the setup form as the page renders it: to /setup?token=…, with the token in a hidden field too. */
  const submitSetup = (form: Record<string, string>, init: { jar?: CookieJar } = {}) =>
    web.postForm(`/setup?token=${encodeURIComponent(form.token ?? "")}`, form, init);

  const showsForm = async (token: string) => {
    const html = await (await web.get(`/setup?token=${encodeURIComponent(token)}`)).text();
    return html.includes('name="regionSlug"') && !alertsOf(html).includes(INVALID_TOKEN_MESSAGE);
  };

  it("hands out a setup token only while there are no users", async () => {
    const first = await prepareSetupToken(t.db, TEST_NOW);
    expect(first).toMatch(/^[\w-]{20,}$/);

    const region = await makeRegion(t.db);
    await makeUser(t.db, { regionId: region.id, role: "admin" });

    expect(await prepareSetupToken(t.db, TEST_NOW)).toBeUndefined();
    expect(await showsForm(first!)).toBe(false);
  });

  it("replaces a token made more than 15 minutes before a new one (a restart prints a new address)", async () => {
    const first = await prepareSetupToken(t.db, new Date(TEST_NOW.getTime() - (SETUP_TOKEN_OVERLAP_MINUTES + 1) * 60_000));
    const second = await prepareSetupToken(t.db, TEST_NOW);

    expect(second).not.toBe(first);
    expect(await showsForm(second!)).toBe(true);
    expect(await showsForm(first!)).toBe(false);
  });

  it("keeps the token of every instance started together valid, whichever address the operator copies", async () => {
    const [first, second] = await Promise.all([prepareSetupToken(t.db, TEST_NOW), prepareSetupToken(t.db, new Date(TEST_NOW.getTime() + 60_000))]);

    expect(second).not.toBe(first);
    expect(await showsForm(first!)).toBe(true);
    expect(await showsForm(second!)).toBe(true);
  });

  it("shows the invalid-link message and no form for a wrong token", async () => {
    await prepareSetupToken(t.db, TEST_NOW);

    const response = await web.get("/setup?token=not-the-token");

    expect(response.status).toBe(200);
    const html = await response.text();
    expect(alertsOf(html)).toContain(INVALID_TOKEN_MESSAGE);
    expect(html).not.toContain('name="regionSlug"');
  });

  it("creates the region and its admin from a valid submission and signs the admin in", async () => {
    const token = (await prepareSetupToken(t.db, TEST_NOW))!;
    expect(await showsForm(token)).toBe(true);
    const jar = new CookieJar();

    const response = await submitSetup(validForm(token, { adminEmail: " Anna@STO-Twente.nl " }), { jar });

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
    expect(sessionCookiesOf(response)).toHaveLength(1);
    const region = await t.db.selectFrom("regions").select(["id", "name", "slug"]).executeTakeFirstOrThrow();
    expect(region).toMatchObject({ name: "STO Twente", slug: "twente" });
    const admin = await t.db.selectFrom("users").select(["email", "name", "role", "region_id", "active", "password_hash"]).executeTakeFirstOrThrow();
    expect(admin).toMatchObject({ email: "anna@sto-twente.nl", name: "Anna Admin", role: "admin", region_id: region.id, active: true });
    expect(admin.password_hash).toMatch(/^\$argon2id\$/);
    const me = await web.request("/api/v1/me", { jar });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: "anna@sto-twente.nl", role: "admin", regionId: region.id });
  });

  it("refuses the same token a second time and creates nothing more", async () => {
    const token = (await prepareSetupToken(t.db, TEST_NOW))!;
    expect((await submitSetup(validForm(token))).status).toBe(302);
    const afterFirst = await counts();

    const jar = new CookieJar();
    const again = await submitSetup(validForm(token, { regionSlug: "overijssel", adminEmail: "mallory@example.nl" }), { jar });

    expect(again.status).toBe(403);
    expect(alertsOf(await again.text())).toContain(INVALID_TOKEN_MESSAGE);
    expect(jar.sessionId).toBeUndefined();
    expect(await counts()).toEqual(afterFirst);
    expect(await showsForm(token)).toBe(false);
  });

  it("refuses a submission with a wrong token and writes nothing", async () => {
    await prepareSetupToken(t.db, TEST_NOW);

    const response = await submitSetup(validForm("not-the-token"));

    expect(response.status).toBe(403);
    expect(alertsOf(await response.text())).toContain(INVALID_TOKEN_MESSAGE);
    expect(await counts()).toEqual(nothing);
  });

  it("shows a message next to a bad short name and a short password, writes nothing and keeps the link valid", async () => {
    const token = (await prepareSetupToken(t.db, TEST_NOW))!;

    const response = await submitSetup(validForm(token, { regionSlug: "STO Twente!", password: "short", confirm: "short" }));

    expect(response.status).toBe(400);
    const html = await response.text();
    expect(fieldErrorOf(html, "regionSlug")).toBe("Gebruik kleine letters, cijfers en streepjes (2 tot 63 tekens).");
    expect(fieldErrorOf(html, "password")).toBe("Kies een wachtwoord van minstens 10 tekens.");
    expect(fieldErrorOf(html, "regionName")).toBeUndefined();
    expect(await counts()).toEqual(nothing);
    expect(await showsForm(token)).toBe(true);
  });

  it("shows a message next to the confirmation when the two passwords differ and writes nothing", async () => {
    const token = (await prepareSetupToken(t.db, TEST_NOW))!;

    const response = await submitSetup(validForm(token, { confirm: "a different passphrase" }));

    expect(response.status).toBe(400);
    expect(fieldErrorOf(await response.text(), "confirm")).toBe("De twee wachtwoorden zijn niet gelijk.");
    expect(await counts()).toEqual(nothing);
    expect(await showsForm(token)).toBe(true);
  });

  it("shows a message next to a malformed admin email address and writes nothing", async () => {
    const token = (await prepareSetupToken(t.db, TEST_NOW))!;

    const response = await submitSetup(validForm(token, { adminEmail: "anna at sto-twente" }));

    expect(response.status).toBe(400);
    expect(fieldErrorOf(await response.text(), "adminEmail")).toBe("Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl.");
    expect(await counts()).toEqual(nothing);
  });

  const subregionsOf = async () => (await t.db.selectFrom("subregions").select("name").orderBy("name").execute()).map((row) => row.name);

  it("creates the subregions typed one a line with the region, leaving out empty lines and spaces", async () => {
    const token = (await prepareSetupToken(t.db, TEST_NOW))!;
    expect(await (await web.get(`/setup?token=${token}`)).text()).toContain('name="subregions"');

    const response = await submitSetup(validForm(token, { subregions: "Enschede\r\n\r\n  Hengelo \nNoordoost-Twente\n" }));

    expect(response.status).toBe(302);
    const region = await t.db.selectFrom("regions").select("id").executeTakeFirstOrThrow();
    const rows = await t.db.selectFrom("subregions").select(["name", "region_id"]).orderBy("name").execute();
    expect(rows).toEqual([
      { name: "Enschede", region_id: region.id },
      { name: "Hengelo", region_id: region.id },
      { name: "Noordoost-Twente", region_id: region.id },
    ]);
  });

  it("sets up a region without subregions when the box is left empty", async () => {
    const token = (await prepareSetupToken(t.db, TEST_NOW))!;

    expect((await submitSetup(validForm(token, { subregions: " \n " }))).status).toBe(302);

    expect(await subregionsOf()).toEqual([]);
    expect((await counts()).regions).toBe(1);
  });

  it("refuses a subregion named twice with a message next to the box, and writes no region, admin or subregion", async () => {
    const token = (await prepareSetupToken(t.db, TEST_NOW))!;

    const response = await submitSetup(validForm(token, { subregions: "Enschede\nHengelo\nenschede" }));

    expect(response.status).toBe(400);
    expect(fieldErrorOf(await response.text(), "subregions")).toBe("„Enschede” staat er twee keer in.");
    expect(await counts()).toEqual(nothing);
    expect(await subregionsOf()).toEqual([]);
    expect(await showsForm(token)).toBe(true);
  });

  it("refuses more than 50 subregions and a name over 200 characters, writing nothing", async () => {
    const token = (await prepareSetupToken(t.db, TEST_NOW))!;
    const many = Array.from({ length: 51 }, (_, i) => `Subregio ${i + 1}`).join("\n");

    const tooMany = await submitSetup(validForm(token, { subregions: many }));
    expect(tooMany.status).toBe(400);
    expect(fieldErrorOf(await tooMany.text(), "subregions")).toBe("Geef hoogstens 50 subregio's op.");

    const tooLong = await submitSetup(validForm(token, { subregions: `Enschede\n${"Lange naam ".repeat(25)}` }));
    expect(tooLong.status).toBe(400);
    expect(fieldErrorOf(await tooLong.text(), "subregions")).toMatch(/^De naam „Lange naam Lange naam .*” is te lang: gebruik hoogstens 200 tekens\.$/);

    expect(await counts()).toEqual(nothing);
    expect(await subregionsOf()).toEqual([]);
  });
});
