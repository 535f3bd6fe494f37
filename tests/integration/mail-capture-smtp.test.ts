import { randomBytes } from "node:crypto";
import net from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regenerateLoggingAddress } from "../../server/domains/mail-capture/mail-capture.addresses";
import { addNeverLog, setMailRetention } from "../../server/domains/mail-capture/mail-capture.settings";
import { makeRegion, makeUserWithToken } from "../support/factories";
import { mailFixture, sendRaw, sentMail } from "../support/mail";
import { startTestServer, type TestServer } from "../support/server";

/**
 * Issue 16 through the real listener: the app started as `npm start` starts it (SMTP on a free port),
 * nodemailer delivering as a mail server would, messages as real mail programs write them.
 */
const NOW = "2026-12-07T10:00:00Z";
const DOMAIN = "log.schakel.test";

// JSON answers, read field by field in the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe("logging mail by BCC and forward, through SMTP", () => {
  let server: TestServer;
  let port: number;
  let regionId: string;
  let eva: { id: string; email: string; token: string };
  let colleague: { email: string };
  let logAddress: string;

  const api = async (method: string, path: string, body?: unknown, token = eva.token): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  };
  const unique = () => randomBytes(4).toString("hex");
  /** A company with one contact person of it (the person's job started in 2024). */
  const company = async (name: string, contact: { name: string; email: string }, extra: Json = {}) => {
    const organisation = await api("POST", "/organisations", { kind: "company", name: `${name} ${unique()}`, tier: "occasional", ...extra });
    expect(organisation.status).toBe(201);
    const person = await api("POST", "/people", contact);
    expect(person.status).toBe(201);
    const job = await api("POST", `/people/${person.body.id}/affiliations`, { organisationId: organisation.body.id, startDate: "2024-01-01", isPrimary: true });
    expect(job.status).toBe(201);
    return { organisationId: organisation.body.id as string, personId: person.body.id as string };
  };
  const momentsOf = async (organisationId: string) => (await api("GET", `/interactions?organisationId=${organisationId}`)).body.items as Json[];
  const counts = async () => {
    const [messages, interactions] = await Promise.all([
      server.db.selectFrom("inbound_messages").select(server.db.fn.countAll<string>().as("n")).where("region_id", "=", regionId).executeTakeFirstOrThrow(),
      server.db.selectFrom("interactions").select(server.db.fn.countAll<string>().as("n")).where("region_id", "=", regionId).executeTakeFirstOrThrow(),
    ]);
    return { messages: Number(messages.n), interactions: Number(interactions.n) };
  };
  const bcc = (to: string[], subject: string, extra: Partial<Parameters<typeof sentMail>[0]> = {}) =>
    sendRaw(port, { from: eva.email, to: logAddress }, sentMail({ from: `Eva de Boer <${eva.email}>`, to, subject, text: "Zoals besproken.", messageId: `${unique()}@school.example`, ...extra }));
  const forward = (fixture: string, contact: string) => sendRaw(port, { from: eva.email, to: logAddress }, mailFixture(fixture, { USER: eva.email, LOG: logAddress, CONTACT: contact }));

  beforeAll(async () => {
    server = await startTestServer({ env: { INBOUND_SMTP_PORT: "0", INBOUND_MAIL_DOMAIN: DOMAIN, SCHAKEL_NOW: NOW } });
    port = server.inboundSmtpPort!;
    regionId = (await makeRegion(server.db)).id;
    const made = await makeUserWithToken(server.db, { regionId, role: "accounthouder", name: "Eva de Boer", email: `eva-${unique()}@school.example` });
    eva = { id: made.user.id, email: made.user.email, token: made.token };
    colleague = { email: (await makeUserWithToken(server.db, { regionId, role: "accounthouder", name: "Joost Kamphuis", email: `joost-${unique()}@school.example` })).user.email };
    logAddress = (await api("GET", "/me")).body.loggingAddress;
  });
  afterAll(() => server?.stop());

  it("gives every staff user a personal logging address in GET /me", async () => {
    expect(logAddress).toMatch(new RegExp(`^log-[a-z2-7]{20}@${DOMAIN.replace(/\./g, "\\.")}$`));
    expect((await api("GET", "/me")).body.loggingAddress).toBe(logAddress);
  });

  it("logs a mail BCC'd to the logging address as one email contact moment on the contact's organisation, dated by its Date:, before the sender hears 250", async () => {
    const hulshof = await company("Hulshof Installatietechniek", { name: "Jan Jansen", email: `jan-${unique()}@hulshof.example` });
    const jan = (await api("GET", `/people/${hulshof.personId}`)).body.email as string;
    const started = performance.now();
    const answer = await bcc([`Jan Jansen <${jan.toUpperCase()}>`], "Stageplaatsen voorjaar", { date: "Fri, 5 Dec 2026 23:30:00 +0000" });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(answer).toMatchObject({ accepted: true, code: 250 });
    expect(answer.response).toMatch(/Logged: 1 contact moment/);
    const moments = await momentsOf(hulshof.organisationId);
    // 23:30 UTC on the 5th is the 6th in the Netherlands.
    expect(moments).toMatchObject([{ kind: "email", source: "email", date: "2026-12-06", userId: eva.id, personIds: [hulshof.personId], summary: "Stageplaatsen voorjaar\n\nZoals besproken." }]);
  });

  it("never logs the same mail twice: the second delivery adds nothing", async () => {
    const contact = await company("Dubbel BV", { name: "Ria Dubbel", email: `ria-${unique()}@dubbel.example` });
    const email = (await api("GET", `/people/${contact.personId}`)).body.email as string;
    const raw = sentMail({ from: eva.email, to: [email], subject: "Tweemaal", text: "Hallo", messageId: `twice-${unique()}@school.example` });
    expect((await sendRaw(port, { from: eva.email, to: logAddress }, raw)).response).toMatch(/Logged: 1/);
    const before = await counts();
    const again = await sendRaw(port, { from: eva.email, to: logAddress }, raw);
    expect(again).toMatchObject({ accepted: true, code: 250 });
    expect(again.response).toMatch(/Already logged/);
    expect(await counts()).toEqual(before);
    expect(await momentsOf(contact.organisationId)).toHaveLength(1);
  });

  it("makes a cooling relationship healthy the moment the mail is in", async () => {
    const cooling = await company("Stille Partner", { name: "Wim Stil", email: `wim-${unique()}@stil.example` });
    expect((await api("POST", "/interactions", { organisationId: cooling.organisationId, kind: "call", summary: "Laatste gesprek", date: "2026-01-05" })).status).toBe(201);
    expect((await api("GET", `/organisations/${cooling.organisationId}/health`)).body.state).toBe("cooling");
    const wim = (await api("GET", `/people/${cooling.personId}`)).body.email as string;
    expect((await bcc([wim], "Weer eens bijpraten")).response).toMatch(/Logged: 1/);
    expect((await api("GET", `/organisations/${cooling.organisationId}/health`)).body).toMatchObject({ state: "healthy", reasons: [] });
  });

  it("gives one contact moment per organisation when a mail goes to contacts of several, on each person's current organisation", async () => {
    const a = await company("Wessels Bouw", { name: "Piet Wessels", email: `piet-${unique()}@wessels.example` });
    const b = await company("Oude Werkgever", { name: "Kees Verhuisd", email: `kees-${unique()}@verhuisd.example` });
    const c = await company("Nieuwe Werkgever", { name: "Iemand Anders", email: `anders-${unique()}@nieuw.example` });
    // Kees left b for c: the mail goes on c, his current job.
    const kees = (await api("GET", `/people/${b.personId}`)).body;
    const job = (kees.affiliations as Json[])[0]!;
    expect((await api("POST", `/affiliations/${job.id}/end`, { endReason: "left_organisation", endDate: "2026-06-30" })).status).toBe(200);
    expect((await api("POST", `/people/${b.personId}/affiliations`, { organisationId: c.organisationId, startDate: "2026-07-01" })).status).toBe(201);
    const piet = (await api("GET", `/people/${a.personId}`)).body.email as string;
    const answer = await bcc([piet], "Gezamenlijk overleg", { cc: [kees.email as string, "onbekend@elders.example"] });
    expect(answer.response).toMatch(/Logged: 2 contact moment/);
    expect(await momentsOf(a.organisationId)).toMatchObject([{ personIds: [a.personId] }]);
    expect(await momentsOf(b.organisationId)).toEqual([]);
    expect(await momentsOf(c.organisationId)).toMatchObject([{ personIds: [b.personId] }]);
  });

  it("refuses a stranger's mail with 550 and writes nothing, whether the envelope or the From: is forged", async () => {
    const target = await company("Doelwit BV", { name: "Doel Wit", email: `doel-${unique()}@doelwit.example` });
    const email = (await api("GET", `/people/${target.personId}`)).body.email as string;
    const before = await counts();
    const raw = (from: string) => sentMail({ from, to: [email], subject: "Vals", text: "x", messageId: `${unique()}@evil.example` });
    const byEnvelope = await sendRaw(port, { from: "mallory@evil.example", to: logAddress }, raw(eva.email));
    expect(byEnvelope).toMatchObject({ accepted: false, code: 550 });
    const byHeader = await sendRaw(port, { from: eva.email, to: logAddress }, raw("Mallory <mallory@evil.example>"));
    expect(byHeader).toMatchObject({ accepted: false, code: 550 });
    expect(byHeader.response).toMatch(/From: address is not the owner/);
    const failedDkim = await sendRaw(port, { from: eva.email, to: logAddress }, sentMail({
      from: eva.email, to: [email], subject: "Vals", text: "x", messageId: `${unique()}@evil.example`,
      extraHeaders: "Authentication-Results: mx.schakel.test; dkim=fail header.d=school.example; spf=pass",
    }));
    expect(failedDkim).toMatchObject({ accepted: false, code: 550 });
    expect(await counts()).toEqual(before);
  });

  it("refuses an unknown logging address, and one that was regenerated, at RCPT with 550", async () => {
    const unknown = await sendRaw(port, { from: eva.email, to: `log-aaaaaaaaaaaaaaaaaaaa@${DOMAIN}` }, sentMail({ from: eva.email, to: ["x@y.example"], subject: "x", text: "x", messageId: `${unique()}@s` }));
    expect(unknown).toMatchObject({ accepted: false, code: 550 });
    expect(unknown.response).toMatch(/No such logging address/);
    const other = await makeUserWithToken(server.db, { regionId, role: "penvoerder", email: `pen-${unique()}@school.example` });
    const old = (await api("GET", "/me", undefined, other.token)).body.loggingAddress as string;
    const renewed = await regenerateLoggingAddress(server.db, { regionId, userId: other.user.id, role: "penvoerder", organisationId: null }, { actor: null, now: new Date(NOW), domain: DOMAIN });
    expect(renewed).not.toBe(old);
    expect((await api("GET", "/me", undefined, other.token)).body.loggingAddress).toBe(renewed);
    const toOld = await sendRaw(port, { from: other.user.email, to: old }, sentMail({ from: other.user.email, to: ["x@y.example"], subject: "x", text: "x", messageId: `${unique()}@s` }));
    expect(toOld).toMatchObject({ accepted: false, code: 550 });
    const toNew = await sendRaw(port, { from: other.user.email, to: renewed }, sentMail({ from: other.user.email, to: ["x@y.example"], subject: "x", text: "x", messageId: `${unique()}@s` }));
    expect(toNew).toMatchObject({ accepted: true, code: 250 });
  });

  it("refuses a message over 10 MB with 552 and keeps working", async () => {
    const huge = Buffer.concat([sentMail({ from: eva.email, to: ["x@y.example"], subject: "Groot", text: "", messageId: `${unique()}@s` }), Buffer.from(`${"x".repeat(76)}\r\n`.repeat(Math.ceil((11 * 1024 * 1024) / 78)))]);
    const before = await counts();
    const answer = await sendRaw(port, { from: eva.email, to: logAddress }, huge);
    expect(answer).toMatchObject({ accepted: false, code: 552 });
    expect(await counts()).toEqual(before);
    expect((await bcc(["na-de-grote@elders.example"], "Daarna")).code).toBe(250);
  });

  it("survives malformed MIME: refused or kept in Te koppelen with a reason, never a crash", async () => {
    const garbage = await sendRaw(port, { from: eva.email, to: logAddress }, Buffer.from([0, 1, 2, 255, 254, 10, 13, 10, 0x41, 0x42]));
    expect(garbage).toMatchObject({ accepted: false, code: 550 });
    const broken = [
      `From: ${eva.email}`, "To: iemand@nergens.example", "Subject: Kapot", `Message-ID: <broken-${unique()}@s>`, "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="nooit-gesloten"', "", "--nooit-gesloten", "Content-Type: text/plain; charset=x-unknown-charset",
      "Content-Transfer-Encoding: base64", "", "!!!dit is geen base64!!!", "--nooit-gesloten", "Content-Type: message/rfc822", "", "geen bericht", "",
    ].join("\r\n");
    const answer = await sendRaw(port, { from: eva.email, to: logAddress }, broken);
    expect(answer).toMatchObject({ accepted: true, code: 250 });
    expect(answer.response).toMatch(/Te koppelen/);
    const inbox = (await api("GET", "/inbox")).body.items as Json[];
    expect(inbox.find((item) => item.subject === "Kapot")).toMatchObject({ reason: "No known contact person in the message", participants: ["iemand@nergens.example"] });
  });

  it("drops mail to an address on a never-log list, leaving only its counter", async () => {
    const contact = await company("Met Vakbond", { name: "Lid Vakbond", email: `lid-${unique()}@gewoon.example` });
    const email = (await api("GET", `/people/${contact.personId}`)).body.email as string;
    const admin = await makeUserWithToken(server.db, { regionId, role: "admin" });
    const entry = await addNeverLog(server.db, { regionId, userId: admin.user.id, role: "admin", organisationId: null }, { pattern: "@vakbond.example", forRegion: true }, { actor: null, now: new Date(NOW) });
    const before = await counts();
    const answer = await bcc([email], "Privé", { cc: ["bestuurder@afdeling.vakbond.example"] });
    expect(answer).toMatchObject({ accepted: true, code: 250 });
    expect(answer.response).toMatch(/Not logged: An address in the message is on a never-log list/);
    expect(await counts()).toEqual(before);
    const counted = await server.db.selectFrom("mail_never_log").select("dropped_count").where("id", "=", entry.id).executeTakeFirstOrThrow();
    expect(counted.dropped_count).toBe(1);
  });

  it("never logs mail only between colleagues of the region", async () => {
    const before = await counts();
    const answer = await bcc([colleague.email], "Rooster");
    expect(answer.response).toMatch(/Not logged: Mail only between colleagues/);
    expect(await counts()).toEqual(before);
  });

  it("keeps of a mail what the region says: the subject only, or the first 1,000 characters without quotes and signature", async () => {
    const contact = await company("Lange Mail BV", { name: "Lang Schrijver", email: `lang-${unique()}@lang.example` });
    const email = (await api("GET", `/people/${contact.personId}`)).body.email as string;
    const long = `${"Een lange zin over de stage. ".repeat(60)}\n\nOp ma 1 dec 2026 om 14:03 schreef Lang Schrijver <${email}>:\n> geheim geciteerd\n-- \nEva`;
    await bcc([email], "Uitgebreid", { text: long });
    const [excerpt] = await momentsOf(contact.organisationId);
    expect(excerpt!.summary).toBe(`Uitgebreid\n\n${long.slice(0, 1000)}`);
    const admin = await makeUserWithToken(server.db, { regionId, role: "admin" });
    await setMailRetention(server.db, { regionId, userId: admin.user.id, role: "admin", organisationId: null }, "subject", { actor: null, now: new Date(NOW) });
    await bcc([email], "Alleen onderwerp", { text: "Dit wordt niet bewaard." });
    const stored = await server.db.selectFrom("inbound_messages").select(["body", "subject"]).where("subject", "=", "Alleen onderwerp").executeTakeFirstOrThrow();
    expect(stored).toEqual({ subject: "Alleen onderwerp", body: null });
    expect((await momentsOf(contact.organisationId)).map((m) => m.summary)).toContain("Alleen onderwerp");
    await setMailRetention(server.db, { regionId, userId: admin.user.id, role: "admin", organisationId: null }, "excerpt", { actor: null, now: new Date(NOW) });
  });

  describe("forwards: the original's sender and date count", () => {
    it.each([
      ["a Dutch Outlook forward", "outlook-nl-forward.eml", "2026-12-01", "Stageplaatsen voorjaar 2027"],
      ["an English Outlook forward", "outlook-en-forward.eml", "2026-12-02", "Guest lesson robotics"],
      ["a Gmail forward", "gmail-forward.eml", "2026-12-03", "Offerte lasopleiding"],
      ["an Apple Mail forward (quoted)", "apple-mail-forward.eml", "2026-12-04", "Open dag techniek"],
      ["a Thunderbird forward", "thunderbird-forward.eml", "2026-12-04", "Rooster bedrijfsbezoek"],
      ["a forward as an attached .eml", "forwarded-eml-attachment.eml", "2026-12-03", "Samenwerkingsovereenkomst concept"],
    ])("logs %s of a contact's mail on the contact's organisation with the original's date, once", async (_label, fixture, day, subject) => {
      const contact = await company(`Afzender ${fixture}`, { name: "Contact Persoon", email: `c-${unique()}@afzender.example` });
      const email = (await api("GET", `/people/${contact.personId}`)).body.email as string;
      const answer = await forward(fixture, email);
      expect(answer.response).toMatch(/Logged: 1/);
      const moments = await momentsOf(contact.organisationId);
      expect(moments).toMatchObject([{ kind: "email", source: "email", date: day, personIds: [contact.personId], userId: eva.id }]);
      expect(moments[0]!.summary.startsWith(subject)).toBe(true);
      // Forwarded again (another Message-ID, same original): nothing new.
      const again = mailFixture(fixture, { USER: eva.email, LOG: logAddress, CONTACT: email }).toString().replace(/^(Message-I[dD]: <)/m, "$1again-");
      expect((await sendRaw(port, { from: eva.email, to: logAddress }, again)).response).toMatch(/Already logged/);
      expect(await momentsOf(contact.organisationId)).toHaveLength(1);
    });

    it("lists the names of attachments, never their contents", async () => {
      const stored = await server.db.selectFrom("inbound_messages").select(["attachment_names", "body"]).where("subject", "=", "Samenwerkingsovereenkomst concept").executeTakeFirstOrThrow();
      expect(stored.attachment_names).toEqual(["Samenwerkingsovereenkomst concept.eml", "concept-overeenkomst.pdf"]);
      expect(stored.body).not.toMatch(/JVBERi/);
    });
  });

  describe("meeting invitations", () => {
    it("logs an Outlook invitation as a meeting on its start date, and archives it when cancelled", async () => {
      const contact = await company("Uitgenodigd BV", { name: "Jan Gast", email: `gast-${unique()}@gast.example` });
      const email = (await api("GET", `/people/${contact.personId}`)).body.email as string;
      const invite = await sendRaw(port, { from: eva.email, to: logAddress }, mailFixture("invitation-outlook.eml", { USER: eva.email, LOG: logAddress, CONTACT: email }));
      expect(invite.response).toMatch(/Logged: 1/);
      expect(await momentsOf(contact.organisationId)).toMatchObject([{ kind: "meeting", source: "calendar", date: "2026-12-10", personIds: [contact.personId] }]);
      expect((await sendRaw(port, { from: eva.email, to: logAddress }, mailFixture("invitation-outlook.eml", { USER: eva.email, LOG: logAddress, CONTACT: email }))).response).toMatch(/Already logged/);
      const cancel = await sendRaw(port, { from: eva.email, to: logAddress }, mailFixture("cancellation-outlook.eml", { USER: eva.email, LOG: logAddress, CONTACT: email }));
      expect(cancel).toMatchObject({ accepted: true, code: 250 });
      expect(await momentsOf(contact.organisationId)).toEqual([]);
    });

    it("logs a Google Calendar invitation forwarded from Gmail on the organizer's organisation", async () => {
      const contact = await company("Opleidingscentrum Oost", { name: "Marieke Kok", email: `marieke-${unique()}@oost.example` });
      const email = (await api("GET", `/people/${contact.personId}`)).body.email as string;
      const answer = await sendRaw(port, { from: eva.email, to: logAddress }, mailFixture("invitation-google.eml", { USER: eva.email, LOG: logAddress, CONTACT: email }));
      expect(answer.response).toMatch(/Logged: 1/);
      expect(await momentsOf(contact.organisationId)).toMatchObject([{ kind: "meeting", source: "calendar", date: "2026-12-11", summary: expect.stringMatching(/^Rondleiding lashal/) }]);
    });
  });

  describe('"Te koppelen": mail Schakel cannot place', () => {
    it("keeps mail to an unknown address for the user to link; linking it with the sender as a new contact creates both, and clears 'no contact person'", async () => {
      const organisation = await api("POST", "/organisations", { kind: "company", name: `Nieuw Contact ${unique()}`, tier: "occasional" });
      const organisationId = organisation.body.id as string;
      expect((await api("GET", `/organisations/${organisationId}/health`)).body.reasons.map((r: Json) => r.code)).toContain("no_contact_person");
      const stranger = `nieuw-${unique()}@nieuwcontact.example`;
      const answer = await bcc([`Nina Nieuw <${stranger}>`], "Kennismaking");
      expect(answer.response).toMatch(/Te koppelen/);
      const item = ((await api("GET", "/inbox")).body.items as Json[]).find((i) => i.subject === "Kennismaking")!;
      expect(item).toMatchObject({ kind: "sent", date: "2026-12-05", participants: [stranger], text: "Zoals besproken.", reason: "No known contact person in the message" });

      const linked = await api("POST", `/inbox/${item.id}/link`, { organisationId, newPerson: { name: "Nina Nieuw", email: stranger } });
      expect(linked.status).toBe(201);
      expect(linked.body.interaction).toMatchObject({ organisationId, kind: "email", source: "email", date: "2026-12-05", personIds: [linked.body.newPersonId] });
      const person = (await api("GET", `/people/${linked.body.newPersonId}`)).body;
      expect(person).toMatchObject({ name: "Nina Nieuw", email: stranger, affiliations: [{ organisationId }] });
      expect((await api("GET", `/organisations/${organisationId}/health`)).body.reasons.map((r: Json) => r.code)).not.toContain("no_contact_person");
      expect(((await api("GET", "/inbox")).body.items as Json[]).map((i) => i.id)).not.toContain(item.id);
      expect((await api("POST", `/inbox/${item.id}/link`, { organisationId })).status).toBe(422);
      // The next mail from her is placed by itself.
      expect((await bcc([stranger], "Vervolg")).response).toMatch(/Logged: 1/);
    });

    it("discards an item, removing its text, and shows only the user's own items", async () => {
      await bcc(["weggooien@nergens.example"], "Weggooien");
      const item = ((await api("GET", "/inbox")).body.items as Json[]).find((i) => i.subject === "Weggooien")!;
      const other = await makeUserWithToken(server.db, { regionId, role: "admin" });
      expect(((await api("GET", "/inbox", undefined, other.token)).body.items as Json[])).toEqual([]);
      expect((await api("DELETE", `/inbox/${item.id}`, undefined, other.token)).status).toBe(404);
      expect((await api("DELETE", `/inbox/${item.id}`)).status).toBe(204);
      const stored = await server.db.selectFrom("inbound_messages").select(["status", "subject", "participants"]).where("id", "=", item.id).executeTakeFirstOrThrow();
      expect(stored).toEqual({ status: "discarded", subject: null, participants: [] });
    });
  });

  describe("under load and abuse", () => {
    it("keeps the web server answering /healthz while 100 slow clients and a garbage sender hold SMTP connections", async () => {
      const sockets: net.Socket[] = [];
      try {
        for (let i = 0; i < 100; i++) {
          const socket = net.connect(port, "127.0.0.1");
          socket.on("error", () => {});
          // Half a command, then nothing: a client that trickles or stalls.
          socket.once("data", () => socket.write(i % 2 ? "EHLO slow.example\r\nMAIL FROM:<" : "EH"));
          sockets.push(socket);
        }
        const garbage = net.connect(port, "127.0.0.1");
        garbage.on("error", () => {});
        garbage.once("data", () => garbage.write(Buffer.concat(Array.from({ length: 50 }, () => randomBytes(200)))));
        sockets.push(garbage);
        await Promise.all(sockets.slice(0, 100).map((socket) => new Promise((resolve) => (socket.readyState === "open" ? resolve(null) : socket.once("connect", resolve)))));
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          const response = await fetch(`${server.url}/healthz`);
          expect(response.status).toBe(200);
          expect(performance.now() - started).toBeLessThan(1_000);
        }
        // And mail still gets through beside them.
        expect((await bcc(["naast-de-trage@elders.example"], "Tussendoor")).code).toBe(250);
      } finally {
        for (const socket of sockets) socket.destroy();
      }
    });

    it("ends a burst of 1,000 small messages (a tenth of them sent twice) with exactly one contact moment per distinct message", async () => {
      const contacts = await Promise.all(Array.from({ length: 10 }, (_, i) => company(`Burst ${i}`, { name: `Burst Contact ${i}`, email: `burst-${i}-${unique()}@burst.example` })));
      const emails = await Promise.all(contacts.map(async (c) => (await api("GET", `/people/${c.personId}`)).body.email as string));
      const run = unique();
      const messages = Array.from({ length: 1_000 }, (_, i) => {
        const n = i < 900 ? i : i - 900; // the last 100 repeat the first 100
        return sentMail({ from: eva.email, to: [emails[n % 10]!], subject: `Burst ${n}`, text: `Bericht ${n}`, messageId: `burst-${run}-${n}@school.example` });
      });
      const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true, pool: true, maxConnections: 10, maxMessages: Infinity });
      let retries = 0;
      try {
        await Promise.all(messages.map(async (raw) => {
          // A real mail server retries a 451 later; so does this sender, at once.
          for (;;) {
            try {
              await transport.sendMail({ envelope: { from: eva.email, to: logAddress }, raw });
              return;
            } catch (error) {
              if ((error as { responseCode?: number }).responseCode !== 451) throw error;
              retries++;
            }
          }
        }));
      } finally {
        transport.close();
      }
      const logged = await server.db
        .selectFrom("interactions").select(server.db.fn.countAll<string>().as("n"))
        .where("organisation_id", "in", contacts.map((c) => c.organisationId)).where("source", "=", "email").executeTakeFirstOrThrow();
      expect(Number(logged.n)).toBe(900);
      process.stdout.write(`burst: 1000 messages, ${retries} answered 451 and sent again\n`);
    }, 300_000);
  });
});
