import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../server/errors";
import { checkLoggingRecipient, ingestMessage } from "../../server/domains/mail-capture/mail-capture.service";
import { addNeverLog } from "../../server/domains/mail-capture/mail-capture.settings";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_PASSWORD } from "../support/factories";
import { sentMail } from "../support/mail";

/**
 * Email capture on the pages (issue 16): the profile's "E-mail registreren" (the logging address,
 * further sender addresses, the user's never-log list), the sender address's confirmation link, and
 * the timeline saying which contact moments came from mail.
 */
const NOW = "2026-12-07T10:00:00Z";
const LOGGING_ADDRESS = /log-[a-z2-7]{20}@[a-z0-9.-]+/;

describe("email capture on the profile and the timeline", () => {
  let t: TestDatabase;
  let web: TestApp;
  const holder = new CookieJar();
  const partnerJar = new CookieJar();
  const ids: Record<string, string> = {};
  let holderEmail = "";
  const contact = "jan@hulshof.example";

  const count = async (table: "mail_sender_addresses" | "mail_never_log" | "email_outbox" | "mail_logging_addresses") =>
    Number((await t.db.selectFrom(table).select(({ fn }) => fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  const profileAddress = async (jar: CookieJar) => LOGGING_ADDRESS.exec(await (await web.get("/profile", { jar })).text())?.[0];
  const ingest = (recipient: string, from: string, id: string, to = [contact]) =>
    ingestMessage(
      t.db,
      { recipient, envelopeFrom: from, raw: sentMail({ from, to, subject: "Stageplekken", text: "Tot dinsdag.", messageId: `${id}@school.example` }), via: "smtp" },
      { now: new Date(NOW), trustedAuthservIds: [] },
    );
  const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => (error instanceof AppError ? error.code : String(error)));

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: NOW });
    const region = await makeRegion(t.db);
    ids.region = region.id;
    const made = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", email: "eva@school.example", name: "Eva de Boer" });
    ids.holder = made.user.id;
    holderEmail = made.user.email;
    const api = async (path: string, body: unknown) => ((await (await web.request(`/api/v1${path}`, { method: "POST", token: made.token, body: JSON.stringify(body) })).json()) as { id: string }).id;
    ids.organisation = await api("/organisations", { kind: "company", name: "Hulshof Installatietechniek" });
    ids.person = await api("/people", { name: "Jan Hulshof", email: contact });
    await api(`/people/${ids.person}/affiliations`, { organisationId: ids.organisation, startDate: "2024-01-01" });
    ids.admin = (await makeUser(t.db, { regionId: region.id, role: "admin" })).id;
    const partner = await makeUser(t.db, { regionId: region.id, role: "partner", organisationId: ids.organisation });
    expect((await web.postForm("/sign-in", { email: holderEmail, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder })).status).toBe(302);
    expect((await web.postForm("/sign-in", { email: partner.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: partnerJar })).status).toBe(302);
  });
  afterAll(() => t.drop());

  it("shows the account holder her logging address with what it is for, and the same address the API gives", async () => {
    const page = await (await web.get("/profile", { jar: holder })).text();
    expect(page).toContain("E-mail registreren");
    expect(page).toContain("Zet dit adres in de BCC of stuur een mail door: Schakel legt het contact vast bij de organisatie van uw contactpersoon.");
    const address = LOGGING_ADDRESS.exec(page)?.[0];
    expect(address?.endsWith(`@${web.services.config.inboundMail.domain}`)).toBe(true);
    // A read-only field without JavaScript (the copy button is added in the browser).
    expect(page).toMatch(new RegExp(`<textarea[^>]*readonly=""[^>]*>${address}</textarea>`, "i"));
    expect(page).toContain("Mail met deze adressen wordt nooit vastgelegd, bijvoorbeeld een vakbond of een arts.");
    expect(await checkLoggingRecipient(t.db, address!, holderEmail)).toMatchObject({ userId: ids.holder });
  });

  it("makes a new address on request: the old one is refused from then on, the new one accepted", async () => {
    const old = (await profileAddress(holder))!;
    const answer = await web.postForm("/profile", { intent: "regenerate-logging-address" }, { jar: holder });
    expect(answer.status).toBe(200);
    const html = await answer.text();
    expect(alertsOf(html).join(" ")).toContain("Het oude adres werkt niet meer.");
    const fresh = LOGGING_ADDRESS.exec(html)?.[0];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(old);
    expect(await refusal(checkLoggingRecipient(t.db, old, holderEmail))).toBe("NOT_FOUND");
    expect(await refusal(ingest(old, holderEmail, "to-the-old-address"))).toBe("NOT_FOUND");
    expect(await checkLoggingRecipient(t.db, fresh!, holderEmail)).toMatchObject({ userId: ids.holder });
  });

  it("shows a partner user no such section and refuses its forms with 403, writing nothing", async () => {
    const page = await (await web.get("/profile", { jar: partnerJar })).text();
    expect(page).not.toContain("E-mail registreren");
    expect(page).not.toMatch(LOGGING_ADDRESS);
    const before = await Promise.all([count("mail_sender_addresses"), count("mail_never_log"), count("email_outbox"), count("mail_logging_addresses")]);
    const intents: Array<Record<string, string>> = [
      { intent: "regenerate-logging-address" },
      { intent: "add-sender-address", email: "partner@thuis.example" },
      { intent: "remove-sender-address", senderAddressId: "00000000-0000-4000-8000-000000000000" },
      { intent: "add-never-log", pattern: "vakbond.nl" },
      { intent: "remove-never-log", neverLogId: "00000000-0000-4000-8000-000000000000" },
    ];
    for (const fields of intents) {
      expect((await web.postForm("/profile", fields, { jar: partnerJar })).status, fields.intent).toBe(403);
    }
    expect(await Promise.all([count("mail_sender_addresses"), count("mail_never_log"), count("email_outbox"), count("mail_logging_addresses")])).toEqual(before);
  });

  it("adds a sender address, mails a link from the configured address, confirms it signed out, and then takes mail from it", async () => {
    const logged: string[] = [];
    web.services.log.info = (message, fields) => void logged.push(JSON.stringify({ message, ...fields }));
    const address = (await profileAddress(holder))!;
    const prive = "eva.prive@thuis.example";
    const added = await web.postForm("/profile", { intent: "add-sender-address", email: ` ${prive.toUpperCase()} ` }, { jar: holder });
    expect(added.status).toBe(200);
    expect(alertsOf(await added.text()).join(" ")).toContain(`Er is een bevestigingslink gestuurd naar ${prive}`);
    const mail = await t.db.selectFrom("email_outbox").select(["to_address", "text", "html"]).where("template", "=", "mail_sender_confirmation").executeTakeFirstOrThrow();
    expect(mail.to_address).toBe(prive);
    const link = new RegExp(`${web.appUrl}/profile/mail-addresses/confirm/([\\w-]+)`).exec(mail.text);
    expect(link, "a link built from APP_URL").not.toBeNull();
    const token = link![1]!;
    expect(await (await web.get("/profile", { jar: holder })).text()).toContain("wacht op bevestiging");
    // Not yet confirmed: mail from it is refused.
    expect(await refusal(ingest(address, prive, "before-confirming"))).toBe("FORBIDDEN");

    // The owner opens the link from her private mailbox, signed out: opening it confirms nothing yet.
    const browser = new CookieJar();
    const opened = await web.get(`/profile/mail-addresses/confirm/${token}`, { jar: browser });
    expect(opened.status).toBe(200);
    const page = await opened.text();
    expect(page).toContain(`Bevestig dat ${prive} uw adres is.`);
    expect([...page.matchAll(/href="([^"]*)"/g)].map((match) => match[1]).filter((href) => href?.includes(token))).toEqual([]);
    expect((await t.db.selectFrom("mail_sender_addresses").select("confirmed_at").where("email", "=", prive).executeTakeFirstOrThrow()).confirmed_at).toBeNull();

    const confirmed = await web.postForm(`/profile/mail-addresses/confirm/${token}`, { intent: "confirm" }, { jar: browser });
    expect(confirmed.status).toBe(200);
    expect(alertsOf(await confirmed.text()).join(" ")).toContain(`${prive} is bevestigd.`);
    expect(await (await web.get("/profile", { jar: holder })).text()).toMatch(/eva\.prive@thuis\.example.*bevestigd/);
    expect(await ingest(address, prive, "after-confirming")).toMatchObject({ status: "logged" });

    // The link is spent: used again it says so, and confirms nothing.
    expect(alertsOf(await (await web.get(`/profile/mail-addresses/confirm/${token}`, { jar: browser })).text()).join(" ")).toContain("al gebruikt of bestaat niet");
    expect((await web.postForm(`/profile/mail-addresses/confirm/${token}`, { intent: "confirm" }, { jar: browser })).status).toBe(404);
    expect(logged.some((line) => line.includes("/profile/mail-addresses/confirm/…"))).toBe(true);
    expect(logged.filter((line) => line.includes(token))).toEqual([]);
  });

  it("says an unknown link is unknown and an expired link has expired, signed in or not", async () => {
    const unknown = await web.get("/profile/mail-addresses/confirm/dit-is-geen-geldige-link", { jar: holder });
    expect(alertsOf(await unknown.text()).join(" ")).toContain("Deze link werkt niet");
    await web.postForm("/profile", { intent: "add-sender-address", email: "eva@oud-werk.example" }, { jar: holder });
    const mail = await t.db.selectFrom("email_outbox").select("text").where("to_address", "=", "eva@oud-werk.example").executeTakeFirstOrThrow();
    const token = /\/profile\/mail-addresses\/confirm\/([\w-]+)/.exec(mail.text)![1]!;
    const later = createTestApp(t.db, { remix: true, now: new Date(new Date(NOW).getTime() + 8 * 86_400_000) });
    expect(alertsOf(await (await later.get(`/profile/mail-addresses/confirm/${token}`)).text()).join(" ")).toContain("Deze link is verlopen");
    expect((await later.postForm(`/profile/mail-addresses/confirm/${token}`, { intent: "confirm" })).status).toBe(404);
    expect((await t.db.selectFrom("mail_sender_addresses").select("confirmed_at").where("email", "=", "eva@oud-werk.example").executeTakeFirstOrThrow()).confirmed_at).toBeNull();
  });

  it("refuses a sender address that is no address or her own, next to the field, writing and mailing nothing", async () => {
    const before = await Promise.all([count("mail_sender_addresses"), count("email_outbox")]);
    for (const [email, message] of [
      ["geen-adres", "Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl."],
      [holderEmail, "Dit is al het adres waarmee u inlogt."],
      ["", "Vul dit veld in."],
    ] as const) {
      const refused = await web.postForm("/profile", { intent: "add-sender-address", email }, { jar: holder });
      expect(refused.status, email).toBe(400);
      expect(fieldErrorOf(await refused.text(), "email"), email).toBe(message);
    }
    expect(await Promise.all([count("mail_sender_addresses"), count("email_outbox")])).toEqual(before);
  });

  it("removes a sender address: mail from it is refused again", async () => {
    const address = (await profileAddress(holder))!;
    const row = await t.db.selectFrom("mail_sender_addresses").select("id").where("email", "=", "eva.prive@thuis.example").executeTakeFirstOrThrow();
    const removed = await web.postForm("/profile", { intent: "remove-sender-address", senderAddressId: row.id }, { jar: holder });
    expect(removed.status).toBe(200);
    expect(await refusal(ingest(address, "eva.prive@thuis.example", "after-removing"))).toBe("FORBIDDEN");
    expect((await web.postForm("/profile", { intent: "remove-sender-address", senderAddressId: row.id }, { jar: holder })).status).toBe(404);
  });

  it("keeps her own never-log list: a domain added drops mail to it; bad input and other lists' entries are refused", async () => {
    const address = (await profileAddress(holder))!;
    const before = await count("mail_never_log");
    for (const [pattern, message] of [
      ["x", "Gebruik minstens 3 tekens."],
      ["geen domein", "Vul een e-mailadres (naam@domein.nl) of een domein (domein.nl) in."],
      ["a@b@c.nl", "Vul een e-mailadres (naam@domein.nl) of een domein (domein.nl) in."],
    ] as const) {
      const refused = await web.postForm("/profile", { intent: "add-never-log", pattern }, { jar: holder });
      expect(refused.status, pattern).toBe(400);
      expect(fieldErrorOf(await refused.text(), "pattern"), pattern).toBe(message);
    }
    expect(await count("mail_never_log")).toBe(before);

    const added = await web.postForm("/profile", { intent: "add-never-log", pattern: "@Vakbond.example" }, { jar: holder });
    expect(added.status).toBe(200);
    expect(alertsOf(await added.text()).join(" ")).toContain("vakbond.example staat op uw lijst");
    expect(await ingest(address, holderEmail, "to-the-union", ["bestuur@vakbond.example"])).toMatchObject({ status: "dropped" });

    // The region's list is the admin's (the settings page); a colleague's entry is not hers.
    const scope = (userId: string, role: "admin" | "accounthouder") => ({ regionId: ids.region!, userId, role, organisationId: null });
    const regional = await addNeverLog(t.db, scope(ids.admin!, "admin"), { pattern: "huisarts.example", forRegion: true }, { actor: null, now: new Date(NOW) });
    const colleague = (await makeUser(t.db, { regionId: ids.region!, role: "accounthouder" })).id;
    const theirs = await addNeverLog(t.db, scope(colleague, "accounthouder"), { pattern: "tandarts.example", forRegion: false }, { actor: null, now: new Date(NOW) });
    const page = await (await web.get("/profile", { jar: holder })).text();
    expect(page).toContain("Voor de hele regio geldt ook: huisarts.example.");
    expect(page).not.toContain("tandarts.example");
    for (const id of [regional.id, theirs.id, "00000000-0000-4000-8000-000000000000"]) {
      expect((await web.postForm("/profile", { intent: "remove-never-log", neverLogId: id }, { jar: holder })).status, id).toBe(404);
    }
    expect((await web.postForm("/profile", { intent: "remove-never-log", neverLogId: "geen-id" }, { jar: holder })).status).toBe(400);

    const own = await t.db.selectFrom("mail_never_log").select("id").where("pattern", "=", "vakbond.example").executeTakeFirstOrThrow();
    const removed = await web.postForm("/profile", { intent: "remove-never-log", neverLogId: own.id }, { jar: holder });
    expect(removed.status).toBe(200);
    expect(await t.db.selectFrom("mail_never_log").select("pattern").orderBy("pattern").execute()).toEqual([{ pattern: "huisarts.example" }, { pattern: "tandarts.example" }]);
  });

  it("shows on the organisation's timeline which contact moments came from mail", async () => {
    await web.postForm(`/organisations/${ids.organisation}`, { intent: "log-interaction", kind: "call", summary: "Zelf gebeld", date: "2026-12-06" }, { jar: holder });
    const page = await (await web.get(`/organisations/${ids.organisation}`, { jar: holder })).text();
    const timeline = page.slice(page.indexOf('id="timeline"'));
    const items = [...timeline.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => match[1]!.replace(/<[^>]+>/g, " ").replace(/\s+/g, " "));
    expect(items.find((item) => item.includes("Stageplekken"))).toContain("via e-mail");
    expect(items.find((item) => item.includes("Zelf gebeld"))).not.toContain("via e-mail");
  });
});
