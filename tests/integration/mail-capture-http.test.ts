import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneInbox } from "../../server/domains/mail-capture/mail-capture.service";
import { rotateInboundSecret } from "../../server/domains/mail-capture/mail-capture.settings";
import { exportPerson, erasePerson } from "../../server/domains/privacy/privacy.service";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";
import { mailFixture, sentMail } from "../support/mail";

/** POST /api/v1/inbound/mail: mail relayed by a provider over HTTP with the region's inbound secret (issue 16). */
const NOW = new Date("2026-12-07T10:00:00Z");
// JSON answers, read field by field in the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe("mail relayed over HTTP to /api/v1/inbound/mail", () => {
  let t: TestDatabase;
  let api: TestApp;
  let secret: string;
  let holder: { email: string; token: string; id: string };
  let logAddress: string;
  let otherRegionAddress: string;
  let organisationId: string;
  let personId: string;
  let regionId: string;
  const contact = "jan@hulshof.example";

  const call = (path: string, init: RequestInit & { token?: string } = {}) => api.request(path, init);
  const json = async (response: Response) => (await response.json()) as Json;
  const relay = (raw: Buffer | string, headers: Record<string, string> = {}, bearer = secret) =>
    call("/api/v1/inbound/mail", { method: "POST", body: typeof raw === "string" ? raw : new Uint8Array(raw), headers: { authorization: `Bearer ${bearer}`, "content-type": "message/rfc822", ...headers } });

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: NOW });
    regionId = (await makeRegion(t.db)).id;
    const admin = await makeUserWithToken(t.db, { regionId, role: "admin" });
    secret = (await rotateInboundSecret(t.db, { regionId, userId: admin.user.id, role: "admin", organisationId: null }, { actor: null, now: NOW })).secret;
    const made = await makeUserWithToken(t.db, { regionId, role: "accounthouder", email: "eva@school.example", name: "Eva de Boer" });
    holder = { email: made.user.email, token: made.token, id: made.user.id };
    logAddress = (await json(await call("/api/v1/me", { token: holder.token }))).loggingAddress;
    const other = await makeRegion(t.db);
    const otherUser = await makeUserWithToken(t.db, { regionId: other.id, role: "accounthouder" });
    otherRegionAddress = (await json(await call("/api/v1/me", { token: otherUser.token }))).loggingAddress;
    organisationId = (await json(await call("/api/v1/organisations", { method: "POST", token: holder.token, body: JSON.stringify({ kind: "company", name: "Hulshof" }) }))).id;
    personId = (await json(await call("/api/v1/people", { method: "POST", token: holder.token, body: JSON.stringify({ name: "Jan Jansen", email: contact }) }))).id;
    await call(`/api/v1/people/${personId}/affiliations`, { method: "POST", token: holder.token, body: JSON.stringify({ organisationId, startDate: "2024-01-01" }) });
  });
  afterAll(() => t.drop());

  const message = (id: string, extra: Partial<Parameters<typeof sentMail>[0]> = {}) =>
    sentMail({ from: `Eva de Boer <${holder.email}>`, to: [`Jan <${contact}>`], subject: "Via de relay", text: "Tot dinsdag.", messageId: `${id}@school.example`, extraHeaders: `Return-Path: <${holder.email}>\r\nDelivered-To: ${logAddress}`, ...extra });

  it("logs a relayed message and answers 202 with what became of it", async () => {
    const response = await relay(message("http-1"));
    expect(response.status).toBe(202);
    const outcome = await json(response);
    expect(outcome).toMatchObject({ status: "logged", interactionIds: [expect.any(String)] });
    const moments = await json(await call(`/api/v1/interactions?organisationId=${organisationId}`, { token: holder.token }));
    expect(moments.items).toMatchObject([{ kind: "email", source: "email", date: "2026-12-05", personIds: [personId] }]);
    expect(await json(await relay(message("http-1")))).toMatchObject({ status: "duplicate", interactionIds: [] });
  });

  it("refuses a wrong or missing secret with 401, and a user's API token is no secret", async () => {
    expect((await relay(message("http-2"), {}, "inb_wrong")).status).toBe(401);
    expect((await relay(message("http-2"), {}, holder.token)).status).toBe(401);
    const anonymous = await call("/api/v1/inbound/mail", { method: "POST", body: new Uint8Array(message("http-2")), headers: { "content-type": "message/rfc822" } });
    expect(anonymous.status).toBe(401);
    expect((await json(anonymous)).error.code).toBe("UNAUTHENTICATED");
  });

  it("refuses another region's logging address with 404, and a sender who is not its owner with 403, writing nothing", async () => {
    const before = await t.db.selectFrom("inbound_messages").select(t.db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    const foreign = await relay(message("http-3"), { "x-schakel-recipient": otherRegionAddress });
    expect(foreign.status).toBe(404);
    const spoofed = await relay(message("http-4", { from: "Mallory <mallory@evil.example>" }));
    expect(spoofed.status).toBe(403);
    expect((await json(spoofed)).error.message).toMatch(/From: address is not the owner/);
    const noEnvelope = await relay(sentMail({ from: holder.email, to: [contact], subject: "x", text: "x", messageId: "http-5@s", extraHeaders: `Delivered-To: ${logAddress}` }));
    expect(noEnvelope.status).toBe(403);
    const after = await t.db.selectFrom("inbound_messages").select(t.db.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("refuses a body over 10 MB with 413, and anything but message/rfc822 with 400", async () => {
    const huge = Buffer.concat([message("http-6"), Buffer.alloc(10 * 1024 * 1024 + 10, 0x61)]);
    const response = await relay(huge);
    expect(response.status).toBe(413);
    expect((await relay("{}", { "content-type": "application/json" })).status).toBe(400);
  });

  it("logs a Dutch Outlook forward sent over HTTP with the original's date", async () => {
    const raw = mailFixture("outlook-nl-forward.eml", { USER: holder.email, LOG: logAddress, CONTACT: contact });
    const outcome = await json(await relay(raw, { "x-schakel-envelope-from": holder.email }));
    expect(outcome.status).toBe("logged");
    const moments = (await json(await call(`/api/v1/interactions?organisationId=${organisationId}`, { token: holder.token }))).items as Json[];
    expect(moments.map((m) => m.date)).toContain("2026-12-01");
  });

  it("deletes what nobody linked after 30 days, and keeps logged mail", async () => {
    const unknown = await json(await relay(message("http-unmatched", { to: ["niemand@nergens.example"] })));
    expect(unknown.status).toBe("unmatched");
    expect(await pruneInbox(t.db, new Date(NOW.getTime() + 29 * 86_400_000))).toBe(0);
    expect(await pruneInbox(t.db, new Date(NOW.getTime() + 31 * 86_400_000))).toBe(1);
    expect(await t.db.selectFrom("inbound_messages").select("id").where("id", "=", unknown.inboundMessageId).executeTakeFirst()).toBeUndefined();
    expect((await t.db.selectFrom("inbound_messages").select("status").where("status", "=", "logged").execute()).length).toBeGreaterThan(0);
  });

  it("puts logged mail in the person's AVG export, and erasure removes their address and name from it", async () => {
    const scope = { regionId, userId: holder.id, role: "admin" as const, organisationId: null };
    const exported = await exportPerson(t.db, scope, personId, { actor: null, now: NOW });
    expect(exported.loggedMail.length).toBeGreaterThanOrEqual(2);
    expect(exported.loggedMail.map((m) => m.subject)).toContain("Via de relay");
    const erased = await t.db.transaction().execute((trx) => erasePerson(trx, scope, personId, { actor: null, now: NOW }));
    expect(erased.changes).toContainEqual(expect.objectContaining({ table: "inbound_messages", kind: "texts_redacted" }));
    const stored = await t.db.selectFrom("inbound_messages").select(["participants", "from_address", "body"]).where("region_id", "=", regionId).execute();
    for (const row of stored) {
      expect(row.participants).not.toContain(contact);
      expect(row.from_address).not.toBe(contact);
      expect(row.body ?? "").not.toContain("Jan Jansen");
    }
  });

  it("mails at most five confirmation links an hour for one user, so Schakel cannot be made to mail strangers at will", async () => {
    const add = (i: number) => call("/api/v1/me/sender-addresses", { method: "POST", token: holder.token, body: JSON.stringify({ email: `adres-${i}@vreemde.example` }) });
    for (let i = 0; i < 5; i++) expect((await add(i)).status).toBe(201);
    const sixth = await add(5);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
    const mails = await t.db.selectFrom("email_outbox").select("to_address").where("to_address", "like", "%@vreemde.example").execute();
    expect(mails).toHaveLength(5);
  });
});
