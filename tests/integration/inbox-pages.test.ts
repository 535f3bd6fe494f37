import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { loggingAddressOf } from "../../server/domains/mail-capture/mail-capture.addresses";
import { ingestMessage } from "../../server/domains/mail-capture/mail-capture.service";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { sentMail } from "../support/mail";

/** "Te koppelen" (/inbox): logged mail Schakel could not place, linked or discarded by its user (issue 16). */
const NOW = new Date("2026-12-07T10:00:00Z");

describe("the Te koppelen page", () => {
  let t: TestDatabase;
  let web: TestApp;
  const holder = new CookieJar();
  const colleague = new CookieJar();
  const ids: Record<string, string> = {};
  let holderUser: { id: string; email: string; regionId: string };
  let logAddress: string;

  /** A mail the account holder sent, BCC'ing her logging address, as the SMTP listener hands it on. */
  const ingest = (input: { to: string[]; subject: string; id: string; text?: string }) =>
    ingestMessage(
      t.db,
      { recipient: logAddress, envelopeFrom: holderUser.email, via: "smtp", raw: sentMail({ from: `Eva de Boer <${holderUser.email}>`, to: input.to, subject: input.subject, text: input.text ?? "Tot dinsdag.", messageId: `${input.id}@school.example` }) },
      { now: NOW, trustedAuthservIds: [] },
    );
  const count = async (table: "interactions" | "people" | "affiliations") => Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  const reasonsOf = async (organisationId: string) =>
    JSON.stringify((await t.db.selectFrom("organisation_health").select("reasons").where("organisation_id", "=", organisationId).executeTakeFirstOrThrow()).reasons);

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: NOW });
    const region = await makeRegion(t.db);
    const user = await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Eva de Boer", email: "eva@school.example" });
    holderUser = { id: user.id, email: user.email, regionId: region.id };
    const other = await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Kees Collega" });
    logAddress = (await loggingAddressOf(t.db, { id: user.id, regionId: region.id, role: "accounthouder" }, { domain: "schakel.example", now: NOW }))!;
    const organisation = async (name: string, website: string | null = null) =>
      (await t.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name, city: "Enschede", website, account_holder_id: user.id, tags: [], vmbo_profiles: [], learning_paths: [], crebo_numbers: [] }).returning("id").executeTakeFirstOrThrow()).id;
    ids.bakery = await organisation("Bakkerij Nieuw", "https://www.bakkerij-nieuw.example/");
    ids.hulshof = await organisation("Hulshof Installatietechniek");
    const jan = await t.db.insertInto("people").values({ region_id: region.id, name: "Jan Jansen", email: "jan@hulshof.example", lawful_basis: "legitimate_interest", phone: null, source: null, review_date: null, archived_at: null, anonymised_at: null }).returning("id").executeTakeFirstOrThrow();
    ids.jan = jan.id;
    await t.db.insertInto("affiliations").values({ region_id: region.id, person_id: jan.id, organisation_id: ids.hulshof, start_date: "2024-01-01", is_primary: true }).execute();
    await recomputeHealth(t.db, { regionId: region.id }, NOW);
    await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
    await web.postForm("/sign-in", { email: other.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: colleague });
  });
  afterAll(() => t.drop());

  it("says what lands here and where the logging address is while nothing waits, and the dashboard shows no count", async () => {
    const page = await (await web.get("/inbox", { jar: holder })).text();
    expect(page).toContain("Niets te koppelen");
    expect(page).toContain('href="/profile"');
    // The menu always has "Te koppelen"; the dashboard's button with the count only when something waits.
    expect(await (await web.get("/", { jar: holder })).text()).not.toMatch(/Te koppelen \(\d+\)/);
  });

  it("lists a mail to an unknown address with its subject, addresses, kept text and why, and the dashboard counts it", async () => {
    const outcome = await ingest({ to: ["Piet de Vries <piet.de.vries@bakkerij-nieuw.example>"], subject: "Gastles brood en banket", id: "unknown-1" });
    expect(outcome.status).toBe("unmatched");
    ids.item = outcome.inboundMessageId!;
    const page = await (await web.get("/inbox", { jar: holder })).text();
    expect(page).toContain("Gastles brood en banket");
    expect(page).toContain("piet.de.vries@bakkerij-nieuw.example");
    expect(page).toMatch(/<dt>Aan<\/dt><dd>piet\.de\.vries@bakkerij-nieuw\.example<\/dd>/);
    expect(page).toContain("Er staat geen bekende contactpersoon in deze mail.");
    expect(page).toContain("Tot dinsdag.");
    const dashboard = await (await web.get("/", { jar: holder })).text();
    expect(dashboard).toMatch(/href="\/inbox"[^>]*>Te koppelen \(1\)/);
  });

  it("suggests the organisation whose website is on the mail's domain, and prefills the new contact from the address", async () => {
    const choosing = await (await web.get(`/inbox?item=${ids.item}`, { jar: holder })).text();
    expect(choosing).toContain("Voorgesteld: zelfde e-maildomein");
    expect(choosing).toContain(`organisation=${ids.bakery}`);
    const searched = await (await web.get(`/inbox?item=${ids.item}&q=hulshof`, { jar: holder })).text();
    expect(searched).toContain(`organisation=${ids.hulshof}`);
    const confirming = await (await web.get(`/inbox?item=${ids.item}&organisation=${ids.hulshof}`, { jar: holder })).text();
    expect(confirming).toContain("Koppelen aan Hulshof Installatietechniek");
    expect(confirming).toContain(`value="${ids.jan}"`);
    expect(confirming).toMatch(/name="newPerson\.name"[^>]*value="Piet de Vries"|value="Piet de Vries"[^>]*name="newPerson\.name"/);
    expect(confirming).toMatch(/value="piet\.de\.vries@bakkerij-nieuw\.example"/);
  });

  it("asks for the new contact's name next to the field and writes nothing without it", async () => {
    const before = await Promise.all([count("interactions"), count("people"), count("affiliations")]);
    const refused = await web.postForm(`/inbox?item=${ids.item}&organisation=${ids.bakery}`, {
      intent: "link", itemId: ids.item!, organisationId: ids.bakery!, addPerson: "on", "newPerson.name": "", "newPerson.email": "piet.de.vries@bakkerij-nieuw.example",
    }, { jar: holder });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(fieldErrorOf(html, "newPerson\\.name")).toBe("Vul dit veld in.");
    const badEmail = await web.postForm(`/inbox?item=${ids.item}&organisation=${ids.bakery}`, {
      intent: "link", itemId: ids.item!, organisationId: ids.bakery!, addPerson: "on", "newPerson.name": "Piet", "newPerson.email": "geen-adres",
    }, { jar: holder });
    expect(badEmail.status).toBe(400);
    expect(fieldErrorOf(await badEmail.text(), "newPerson\\.email")).toBeTruthy();
    expect(await Promise.all([count("interactions"), count("people"), count("affiliations")])).toEqual(before);
    expect((await t.db.selectFrom("inbound_messages").select("status").where("id", "=", ids.item!).executeTakeFirstOrThrow()).status).toBe("unmatched");
  });

  it("links it with the sender as a new contact person: an email contact moment, the person, and no longer 'no contact person'", async () => {
    expect(await reasonsOf(ids.bakery!)).toContain("no_contact_person");
    const linked = await web.postForm(`/inbox?item=${ids.item}&organisation=${ids.bakery}`, {
      intent: "link", itemId: ids.item!, organisationId: ids.bakery!, addPerson: "on", "newPerson.name": "Piet de Vries", "newPerson.email": "Piet.de.Vries@bakkerij-nieuw.example",
    }, { jar: holder });
    expect(linked.status).toBe(200);
    const html = await linked.text();
    expect(alertsOf(html).join(" ")).toContain("Gekoppeld aan Bakkerij Nieuw, en Piet de Vries is toegevoegd als contactpersoon.");
    const person = await t.db.selectFrom("people").select(["id", "name", "email"]).where("email", "=", "piet.de.vries@bakkerij-nieuw.example").executeTakeFirstOrThrow();
    expect(person.name).toBe("Piet de Vries");
    const job = await t.db.selectFrom("affiliations").select("organisation_id").where("person_id", "=", person.id).executeTakeFirstOrThrow();
    expect(job.organisation_id).toBe(ids.bakery);
    const moment = await t.db.selectFrom("interactions").select(["id", "kind", "source", "date", "user_id", "summary"]).where("organisation_id", "=", ids.bakery!).executeTakeFirstOrThrow();
    expect(moment).toMatchObject({ kind: "email", source: "email", date: "2026-12-05", user_id: holderUser.id });
    expect(moment.summary).toContain("Gastles brood en banket");
    const people = await t.db.selectFrom("interaction_people").select("person_id").where("interaction_id", "=", moment.id).execute();
    expect(people.map((row) => row.person_id)).toEqual([person.id]);
    expect(await reasonsOf(ids.bakery!)).not.toContain("no_contact_person");
    // It has left the list, and the page that linked it shows the list again.
    expect(html).toContain("Niets te koppelen");
    expect((await t.db.selectFrom("inbound_messages").select("status").where("id", "=", ids.item!).executeTakeFirstOrThrow()).status).toBe("logged");
  });

  it("links to an organisation with a known person of it and no new one", async () => {
    const outcome = await ingest({ to: ["onbekend@hulshof.example"], subject: "Offerte leerlingen", id: "unknown-2" });
    const linked = await web.postForm("/inbox", { intent: "link", itemId: outcome.inboundMessageId!, organisationId: ids.hulshof!, personIds: ids.jan!, "newPerson.name": "Onbekend", "newPerson.email": "onbekend@hulshof.example" }, { jar: holder });
    expect(linked.status).toBe(200);
    expect(alertsOf(await linked.text()).join(" ")).toContain("Gekoppeld aan Hulshof Installatietechniek");
    const moment = await t.db.selectFrom("interactions").select("id").where("organisation_id", "=", ids.hulshof!).executeTakeFirstOrThrow();
    const people = await t.db.selectFrom("interaction_people").select("person_id").where("interaction_id", "=", moment.id).execute();
    expect(people.map((row) => row.person_id)).toEqual([ids.jan]);
    expect(await t.db.selectFrom("people").select("id").where("email", "=", "onbekend@hulshof.example").executeTakeFirst()).toBeUndefined();
  });

  it("discards a mail: its subject, text and addresses are wiped", async () => {
    const outcome = await ingest({ to: ["iemand@elders.example"], subject: "Privé", id: "unknown-3", text: "Niet voor Schakel." });
    const discarded = await web.postForm("/inbox", { intent: "discard", itemId: outcome.inboundMessageId! }, { jar: holder });
    expect(discarded.status).toBe(200);
    expect(alertsOf(await discarded.text()).join(" ")).toContain("De mail is weggegooid");
    const row = await t.db.selectFrom("inbound_messages").select(["status", "subject", "body", "from_address", "participants"]).where("id", "=", outcome.inboundMessageId!).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "discarded", subject: null, body: null, from_address: null, participants: [] });
  });

  it("shows another user's mail to no one else, who can neither open nor link nor discard it (404), and writes nothing", async () => {
    const outcome = await ingest({ to: ["vreemd@nergens.example"], subject: "Alleen voor Eva", id: "unknown-4" });
    const item = outcome.inboundMessageId!;
    expect(await (await web.get("/inbox", { jar: colleague })).text()).not.toContain("Alleen voor Eva");
    expect((await web.get(`/inbox?item=${item}`, { jar: colleague })).status).toBe(404);
    const before = await Promise.all([count("interactions"), count("people")]);
    const link = await web.postForm("/inbox", { intent: "link", itemId: item, organisationId: ids.hulshof!, personIds: ids.jan! }, { jar: colleague });
    expect(link.status).toBe(404);
    const discard = await web.postForm("/inbox", { intent: "discard", itemId: item }, { jar: colleague });
    expect(discard.status).toBe(404);
    expect(await Promise.all([count("interactions"), count("people")])).toEqual(before);
    expect((await t.db.selectFrom("inbound_messages").select("status").where("id", "=", item).executeTakeFirstOrThrow()).status).toBe("unmatched");
    expect(await (await web.get("/inbox", { jar: holder })).text()).toContain("Alleen voor Eva");
  });
});
