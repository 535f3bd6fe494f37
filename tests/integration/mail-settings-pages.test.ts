import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_PASSWORD } from "../support/factories";
import { sentMail } from "../support/mail";

/** "E-mailregistratie" (/admin/mail) and /api/v1/region/mail: what a region keeps of logged mail, its never-log list, its inbound secret (issue 16). */
const NOW = new Date("2026-12-07T10:00:00Z");
// JSON answers, read field by field in the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe("the email logging settings", () => {
  let t: TestDatabase;
  let web: TestApp;
  let regionId: string;
  const jars = { admin: new CookieJar(), penvoerder: new CookieJar(), accounthouder: new CookieJar() };
  const tokens: Record<keyof typeof jars, string> = { admin: "", penvoerder: "", accounthouder: "" };
  let holder: { email: string; logAddress: string };

  const api = (role: keyof typeof jars, method: string, path: string, body?: unknown) =>
    web.request(`/api/v1${path}`, { method, token: tokens[role], body: body === undefined ? undefined : JSON.stringify(body) });
  const relay = (secret: string, id: string, to = "piet@onbekend.example") =>
    web.request("/api/v1/inbound/mail", {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "message/rfc822" },
      body: new Uint8Array(sentMail({ from: holder.email, to: [to], subject: `Bericht ${id}`, text: "Een eerste zin.\n\nEn nog veel meer tekst.", messageId: `${id}@school.example`, extraHeaders: `Return-Path: <${holder.email}>\r\nDelivered-To: ${holder.logAddress}` })),
    });
  const secretIn = (html: string) => /Authorization: Bearer (inb_[\w-]+)/.exec(html)?.[1];
  const settings = () => t.db.selectFrom("mail_capture_settings").selectAll().where("region_id", "=", regionId).executeTakeFirst();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: NOW });
    regionId = (await makeRegion(t.db)).id;
    for (const role of ["admin", "penvoerder", "accounthouder"] as const) {
      const made = await makeUserWithToken(t.db, { regionId, role, email: `${role}@school.example` });
      tokens[role] = made.token;
      await web.postForm("/sign-in", { email: made.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: jars[role] });
    }
    holder = { email: "accounthouder@school.example", logAddress: ((await (await api("accounthouder", "GET", "/me")).json()) as Json).loggingAddress };
  });
  afterAll(() => t.drop());

  it("shows the admin what is kept (the excerpt by default), the empty never-log list and the webhook address", async () => {
    const page = await (await web.get("/admin/mail", { jar: jars.admin })).text();
    expect(page).toContain("E-mailregistratie");
    expect(page).toMatch(/value="excerpt" checked=""|checked="" value="excerpt"/);
    expect(page).toContain("De lijst is leeg.");
    expect(page).toContain(`POST ${web.appUrl}/api/v1/inbound/mail`);
    expect(page).toContain("Er is nog geen geheim");
  });

  it("refuses the penvoerder and the account holder, on the page and its form (403), changing nothing", async () => {
    for (const role of ["penvoerder", "accounthouder"] as const) {
      expect((await web.get("/admin/mail", { jar: jars[role] })).status).toBe(403);
      expect((await web.postForm("/admin/mail", { intent: "retention", retention: "full" }, { jar: jars[role] })).status).toBe(403);
      expect((await web.postForm("/admin/mail", { intent: "rotate-secret" }, { jar: jars[role] })).status).toBe(403);
      expect((await api(role, "PATCH", "/region/mail", { retention: "full" })).status).toBe(403);
      expect((await api(role, "POST", "/region/mail/never-log", { pattern: "vakbond.example" })).status).toBe(403);
      expect((await api(role, "GET", "/region/mail/never-log")).status).toBe(403);
    }
    expect(await settings()).toBeUndefined();
    expect(await t.db.selectFrom("mail_never_log").select("id").execute()).toEqual([]);
  });

  it("changes what is kept, audited, and says a wrong choice next to it without writing", async () => {
    const wrong = await web.postForm("/admin/mail", { intent: "retention", retention: "alles" }, { jar: jars.admin });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toMatch(/class="field-error"[^>]*>Kies een van/);
    expect(await settings()).toBeUndefined();

    const saved = await web.postForm("/admin/mail", { intent: "retention", retention: "subject" }, { jar: jars.admin });
    expect(saved.status).toBe(200);
    const html = await saved.text();
    expect(alertsOf(html).join(" ")).toContain("Van nieuwe mail wordt bewaard: Alleen het onderwerp");
    expect(html).toMatch(/value="subject" checked=""|checked="" value="subject"/);
    expect((await settings())?.retention).toBe("subject");
    const audit = await t.db.selectFrom("audit_log").select(["before", "after", "actor_id"]).where("action", "=", "mail.retention").executeTakeFirstOrThrow();
    expect(audit.before).toEqual({ retention: "excerpt" });
    expect(audit.after).toEqual({ retention: "subject" });
    expect(audit.actor_id).not.toBeNull();
    expect(await (await api("accounthouder", "GET", "/region/mail")).json()).toMatchObject({ retention: "subject", hasInboundSecret: false });
  });

  it("makes an inbound secret shown once with the webhook and its header; the relay works with it, and a new one makes the old one answer 401", async () => {
    const first = await web.postForm("/admin/mail", { intent: "rotate-secret" }, { jar: jars.admin });
    expect(first.status).toBe(200);
    const firstHtml = await first.text();
    const secret = secretIn(firstHtml)!;
    expect(secret).toBeTruthy();
    expect(firstHtml).toContain(`POST ${web.appUrl}/api/v1/inbound/mail`);
    expect(firstHtml).toContain("Content-Type: message/rfc822");
    // Shown once: the page opened again does not have it.
    const again = await (await web.get("/admin/mail", { jar: jars.admin })).text();
    expect(again).not.toContain(secret);
    expect(again).toContain("Er is een geheim in gebruik sinds");

    const relayed = await relay(secret, "rotate-1");
    expect(relayed.status).toBe(202);
    const outcome = (await relayed.json()) as Json;
    expect(outcome.status).toBe("unmatched");
    // What the region keeps now: the subject only.
    const kept = await t.db.selectFrom("inbound_messages").select(["subject", "body"]).where("id", "=", outcome.inboundMessageId).executeTakeFirstOrThrow();
    expect(kept).toEqual({ subject: "Bericht rotate-1", body: null });

    const second = secretIn(await (await web.postForm("/admin/mail", { intent: "rotate-secret" }, { jar: jars.admin })).text())!;
    expect(second).not.toBe(secret);
    expect((await relay(secret, "rotate-2")).status).toBe(401);
    expect((await relay(second, "rotate-3")).status).toBe(202);
    const rotations = await t.db.selectFrom("audit_log").select("id").where("action", "=", "mail.inbound_secret.rotate").execute();
    expect(rotations).toHaveLength(2);
  });

  it("adds an address or domain to the never-log list, counts what it drops, and removes it; a malformed entry is refused next to the field", async () => {
    const wrong = await web.postForm("/admin/mail", { intent: "add-never-log", pattern: "geen domein" }, { jar: jars.admin });
    expect(wrong.status).toBe(400);
    expect(fieldErrorOf(await wrong.text(), "pattern")).toBe("Vul een e-mailadres (naam@domein.nl) of een domein (domein.nl) in.");
    expect(await t.db.selectFrom("mail_never_log").select("id").execute()).toEqual([]);

    const added = await web.postForm("/admin/mail", { intent: "add-never-log", pattern: "@Vakbond.example" }, { jar: jars.admin });
    expect(added.status).toBe(200);
    expect(alertsOf(await added.text()).join(" ")).toContain("Mail met vakbond.example wordt niet meer vastgelegd.");
    const secret = secretIn(await (await web.postForm("/admin/mail", { intent: "rotate-secret" }, { jar: jars.admin })).text())!;
    const dropped = await relay(secret, "never-1", "bestuur@afdeling.vakbond.example");
    expect(((await dropped.json()) as Json).status).toBe("dropped");
    const page = await (await web.get("/admin/mail", { jar: jars.admin })).text();
    expect(page).toContain("vakbond.example");
    expect(page).toContain("1 mail");

    const listed = (await (await api("admin", "GET", "/region/mail/never-log")).json()) as Json;
    expect(listed.items).toMatchObject([{ pattern: "vakbond.example", droppedCount: 1 }]);
    const entryId = listed.items[0].id as string;
    const removed = await web.postForm("/admin/mail", { intent: "remove-never-log", entryId, pattern: "vakbond.example" }, { jar: jars.admin });
    expect(removed.status).toBe(200);
    expect(alertsOf(await removed.text()).join(" ")).toContain("vakbond.example is van de lijst gehaald.");
    expect(await t.db.selectFrom("mail_never_log").select("id").execute()).toEqual([]);
    const audit = await t.db.selectFrom("audit_log").select("action").where("action", "like", "mail.never_log.%").orderBy("created_at").execute();
    expect(audit.map((row) => row.action)).toEqual(["mail.never_log.add", "mail.never_log.remove"]);
  });

  it("serves the same over /api/v1/region/mail: retention read by staff and set by an admin, the never-log list kept by an admin", async () => {
    const patched = await api("admin", "PATCH", "/region/mail", { retention: "full" });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ retention: "full", hasInboundSecret: true, inboundSecretCreatedAt: NOW.toISOString() });
    expect((await api("admin", "PATCH", "/region/mail", { retention: "alles" })).status).toBe(400);
    expect(((await (await api("penvoerder", "GET", "/region/mail")).json()) as Json).retention).toBe("full");

    const created = await api("admin", "POST", "/region/mail/never-log", { pattern: "huisarts@praktijk.example" });
    expect(created.status).toBe(201);
    const entry = (await created.json()) as Json;
    expect(entry).toMatchObject({ pattern: "huisarts@praktijk.example", droppedCount: 0 });
    expect((await api("admin", "POST", "/region/mail/never-log", { pattern: "x" })).status).toBe(400);
    // A user's own entry is not the region's list's to remove.
    const adminId = (await t.db.selectFrom("users").select("id").where("email", "=", "admin@school.example").executeTakeFirstOrThrow()).id;
    const own = await t.db.insertInto("mail_never_log").values({ region_id: regionId, user_id: adminId, pattern: "eigen.example", created_by: adminId, created_at: NOW }).returning("id").executeTakeFirstOrThrow();
    expect((await api("admin", "DELETE", `/region/mail/never-log/${own.id}`)).status).toBe(404);
    expect((await api("admin", "DELETE", `/region/mail/never-log/${entry.id}`)).status).toBe(204);
    expect((await api("admin", "DELETE", `/region/mail/never-log/${entry.id}`)).status).toBe(404);
    expect(((await (await api("admin", "GET", "/region/mail/never-log")).json()) as Json).items).toEqual([]);
  });
});
