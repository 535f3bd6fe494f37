import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderInvitationEmail } from "../../emails/render";
import { createSmtpTransport, deliverDueEmails, MAX_DELIVERY_ATTEMPTS } from "../../server/domains/email/delivery";
import { findOutboxEmail, listOutbox, queueEmail } from "../../server/domains/email/outbox.service";
import { startJobs } from "../../server/jobs/jobs";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink";

const FROM = "Schakel <noreply@schakel.test>";
const minutes = (start: Date, n: number) => new Date(start.getTime() + n * 60_000);

/** Checks `condition` every 50 ms until it holds; fails after `timeoutMs`. For work done by another process or timer. */
async function pollUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("email delivery", () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let regionId: string;
  const transport = () => createSmtpTransport(sink.url);

  beforeAll(async () => {
    t = await createTestDatabase();
    sink = await startSmtpSink();
    const region = await t.db.insertInto("regions").values({ slug: "twente", name: "Twente" }).returning("id").executeTakeFirstOrThrow();
    regionId = region.id;
  });
  afterAll(async () => {
    await sink?.stop();
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.deleteFrom("email_outbox").execute();
    sink.setReject(false);
  });

  async function queueInvitation(to: string, now: Date, region = regionId) {
    const message = await renderInvitationEmail({
      locale: "nl",
      name: "Anna de Vries",
      inviterName: "Piet Jansen",
      regionName: "Twente",
      roleLabel: "Accounthouder",
      url: `https://schakel.example/invitation/${encodeURIComponent(to)}`,
    });
    return queueEmail(t.db, { regionId: region, template: "invitation", to, toName: "Anna de Vries", message, now });
  }

  const receivedBy = (address: string) => sink.messages.filter((m) => m.to.includes(address));

  it("delivers queued mail once to the SMTP server and marks it sent", async () => {
    const now = new Date("2026-12-01T09:00:00Z");
    const { id } = await queueInvitation("anna@school.example", now);

    expect(await deliverDueEmails(t.db, transport(), { now, from: FROM })).toEqual({ sent: 1, failed: 0 });
    expect(await deliverDueEmails(t.db, transport(), { now: minutes(now, 5), from: FROM })).toEqual({ sent: 0, failed: 0 });

    const received = receivedBy("anna@school.example");
    expect(received).toHaveLength(1);
    expect(received[0]?.subject).toBe("Uitnodiging voor Schakel (Twente)");
    expect(received[0]?.html).toContain('href="https://schakel.example/invitation/anna%40school.example"');
    expect(received[0]?.text).toContain("Account activeren https://schakel.example/invitation/anna%40school.example");
    expect(received[0]?.raw).toMatch(/^From: Schakel <noreply@schakel\.test>/m);
    expect(received[0]?.raw).toMatch(/^To: Anna de Vries <anna@school\.example>/m);

    const email = await findOutboxEmail(t.db, regionId, id);
    expect(email).toMatchObject({ status: "sent", attempts: 1, sentAt: now, lastError: null });
  });

  it("keeps refused mail pending with a later next attempt, and delivers it once the server accepts again", async () => {
    const now = new Date("2026-12-01T09:00:00Z");
    const { id } = await queueInvitation("bram@school.example", now);
    sink.setReject(true);

    expect(await deliverDueEmails(t.db, transport(), { now, from: FROM })).toEqual({ sent: 0, failed: 1 });
    let email = await findOutboxEmail(t.db, regionId, id);
    expect(email).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: minutes(now, 1), sentAt: null });
    expect(email?.lastError).toContain("451");

    // Not due yet: nothing is tried before the back-off has passed.
    expect(await deliverDueEmails(t.db, transport(), { now: minutes(now, 0.5), from: FROM })).toEqual({ sent: 0, failed: 0 });

    expect(await deliverDueEmails(t.db, transport(), { now: minutes(now, 1), from: FROM })).toEqual({ sent: 0, failed: 1 });
    email = await findOutboxEmail(t.db, regionId, id);
    expect(email).toMatchObject({ status: "pending", attempts: 2, nextAttemptAt: minutes(now, 1 + 2) });

    sink.setReject(false);
    expect(await deliverDueEmails(t.db, transport(), { now: minutes(now, 3), from: FROM })).toEqual({ sent: 1, failed: 0 });
    expect(receivedBy("bram@school.example")).toHaveLength(1);
    email = await findOutboxEmail(t.db, regionId, id);
    expect(email).toMatchObject({ status: "sent", attempts: 3, sentAt: minutes(now, 3), lastError: null });
  });

  it("backs off up to an hour and, after the last attempt, keeps the mail in the outbox as failed", async () => {
    let now = new Date("2026-12-01T09:00:00Z");
    const { id } = await queueInvitation("carla@school.example", now);
    sink.setReject(true);
    const delays: number[] = [];

    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      expect(await deliverDueEmails(t.db, transport(), { now, from: FROM })).toEqual({ sent: 0, failed: 1 });
      const email = await findOutboxEmail(t.db, regionId, id);
      delays.push((email!.nextAttemptAt.getTime() - now.getTime()) / 60_000);
      now = email!.nextAttemptAt;
    }

    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60]);
    sink.setReject(false);
    expect(await deliverDueEmails(t.db, transport(), { now: minutes(now, 24 * 60), from: FROM })).toEqual({ sent: 0, failed: 0 });
    expect(await findOutboxEmail(t.db, regionId, id)).toMatchObject({ status: "failed", attempts: MAX_DELIVERY_ATTEMPTS });
    expect(receivedBy("carla@school.example")).toHaveLength(0);
  });

  it("sends each email exactly once when two deliveries run at the same time", async () => {
    const now = new Date("2026-12-01T09:00:00Z");
    const addresses = Array.from({ length: 12 }, (_, i) => `parallel-${i}@school.example`);
    for (const [i, address] of addresses.entries()) await queueInvitation(address, new Date(now.getTime() - i * 1000));

    const [first, second] = await Promise.all([
      deliverDueEmails(t.db, transport(), { now, from: FROM }),
      deliverDueEmails(t.db, transport(), { now, from: FROM }),
    ]);

    expect(first!.sent + second!.sent).toBe(12);
    expect(first!.failed + second!.failed).toBe(0);
    for (const address of addresses) expect(receivedBy(address)).toHaveLength(1);
    const statuses = await t.db.selectFrom("email_outbox").select(["status", "attempts"]).execute();
    expect(statuses).toEqual(Array(12).fill({ status: "sent", attempts: 1 }));
  });

  it("leaves mail pending when no SMTP server is configured", async () => {
    const now = new Date("2026-12-01T09:00:00Z");
    const { id } = await queueInvitation("dirk@school.example", now);
    const lines: string[] = [];
    const jobs = await startJobs({ connectionString: t.url, db: t.db, mailFrom: FROM, now: () => now, log: (line) => lines.push(line), appUrl: "http://schakel.test" });
    try {
      await jobs.notifyEmailQueued();
      await pollUntil(async () => {
        const done = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = 'email-deliver' and state = 'completed'`.execute(t.db);
        return (done.rows[0]?.n ?? 0) > 0;
      }, 15_000, "a delivery job completed");
    } finally {
      await jobs.stop();
    }

    expect(await findOutboxEmail(t.db, regionId, id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(receivedBy("dirk@school.example")).toHaveLength(0);
    expect(lines).toContain("email: SMTP_URL is not set; email is kept in the outbox and not sent");
  });

  it("delivers through pg-boss after notifyEmailQueued, and stops cleanly without closing the application's database", async () => {
    const now = new Date("2026-12-01T09:00:00Z");
    const lines: string[] = [];
    const jobs = await startJobs({ connectionString: t.url, db: t.db, smtpUrl: sink.url, mailFrom: FROM, now: () => now, log: (line) => lines.push(line), appUrl: "http://schakel.test" });
    let id: string;
    try {
      ({ id } = await queueInvitation("eva@school.example", now));
      // A burst of notifications collapses into one job; the email still arrives once.
      await Promise.all([jobs.notifyEmailQueued(), jobs.notifyEmailQueued(), jobs.notifyEmailQueued()]);
      const message = await sink.waitFor((m) => m.to.includes("eva@school.example"), 15_000);
      expect(message.subject).toBe("Uitnodiging voor Schakel (Twente)");
      await pollUntil(async () => (await findOutboxEmail(t.db, regionId, id))?.status === "sent", 5_000, "the email is marked sent");
    } finally {
      await jobs.stop();
    }

    expect(receivedBy("eva@school.example")).toHaveLength(1);
    expect(lines).toContain("email: 1 sent, 0 failed");
    expect(lines.filter((line) => line.startsWith("jobs:"))).toEqual([]);
    const stillOpen = await sql<{ one: number }>`select 1 as one`.execute(t.db);
    expect(stillOpen.rows).toEqual([{ one: 1 }]);
  });
});

describe("the email outbox", () => {
  let t: TestDatabase;
  let regionId: string;
  let otherRegionId: string;
  const message = { subject: "Onderwerp", html: "<p>Hallo</p>", text: "Hallo" };

  beforeAll(async () => {
    t = await createTestDatabase();
    const regions = await t.db
      .insertInto("regions")
      .values([
        { slug: "twente", name: "Twente" },
        { slug: "achterhoek", name: "Achterhoek" },
      ])
      .returning("id")
      .execute();
    regionId = regions[0]!.id;
    otherRegionId = regions[1]!.id;
  });
  afterAll(() => t?.drop());

  it("lists a region's emails newest first, page by page, without another region's", async () => {
    const start = new Date("2026-12-01T09:00:00Z");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const queued = await queueEmail(t.db, { regionId, template: "invitation", to: `p${i}@school.example`, message, now: minutes(start, i) });
      ids.push(queued.id);
      await queueEmail(t.db, { regionId: otherRegionId, template: "invitation", to: `other${i}@school.example`, message, now: minutes(start, i) });
    }
    // Two emails in the same moment are still ordered, by id.
    const twin = await queueEmail(t.db, { regionId, template: "password_reset", to: "twin@school.example", toName: "Twin", message, now: minutes(start, 4) });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listOutbox(t.db, regionId, { limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);

    const newestTwoFirst = [ids[4]!, twin.id].sort().reverse();
    expect(seen).toEqual([...newestTwoFirst, ids[3], ids[2], ids[1], ids[0]]);

    const first = await listOutbox(t.db, regionId, { limit: 1 });
    expect(Object.keys(first.items[0]!).sort()).toEqual(
      ["attempts", "createdAt", "id", "lastError", "sentAt", "status", "subject", "template", "toAddress", "toName"].sort(),
    );
  });

  it("never shows an email of another region, not even through a cursor", async () => {
    const theirs = await queueEmail(t.db, { regionId: otherRegionId, template: "invitation", to: "theirs@school.example", message, now: new Date("2027-01-01T00:00:00Z") });

    expect(await findOutboxEmail(t.db, regionId, theirs.id)).toBeUndefined();
    expect(await findOutboxEmail(t.db, otherRegionId, theirs.id)).toMatchObject({ toAddress: "theirs@school.example", html: "<p>Hallo</p>", text: "Hallo" });
    expect(await listOutbox(t.db, regionId, { cursor: theirs.id })).toEqual({ items: [], nextCursor: undefined });
    expect(await findOutboxEmail(t.db, regionId, "not-a-uuid")).toBeUndefined();
    await expect(listOutbox(t.db, regionId, { cursor: "not-a-uuid" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
