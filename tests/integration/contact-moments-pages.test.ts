import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";

describe("logging contact moments and Mijn acties", () => {
  let t: TestDatabase;
  let web: TestApp;
  let later: TestApp;
  const holder = new CookieJar();
  let path = "";

  beforeAll(async () => {
    t = await createTestDatabase();
    // The 4th of March; `later` is the same app a week on, to see a task become overdue.
    web = createTestApp(t.db, { remix: true, now: "2026-03-04T10:00:00Z" });
    later = createTestApp(t.db, { remix: true, now: "2026-03-11T10:00:00Z" });
    const region = await makeRegion(t.db);
    const user = await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
    const created = await web.postForm("/organisations/new", { intent: "save", kind: "company", name: "Hulshof Installatietechniek", tier: "regular", status: "active", tags: "" }, { jar: holder });
    path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    await web.postForm(path, { intent: "add-contact", name: "Jan de Vries", role: "Opleidingscoördinator" }, { jar: holder });
  });
  afterAll(() => t.drop());

  it("needs only a kind and a summary, takes today's date and shows the moment on the timeline", async () => {
    const missing = await web.postForm(path, { intent: "log-interaction", kind: "call", summary: "" }, { jar: holder });
    expect(missing.status).toBe(400);
    expect(await t.db.selectFrom("interactions").select("id").execute()).toEqual([]);

    const person = await t.db.selectFrom("people").select("id").where("name", "=", "Jan de Vries").executeTakeFirstOrThrow();
    const logged = await web.postForm(path, { intent: "log-interaction", kind: "call", date: "", summary: "Stageplekken voor volgend jaar besproken", personIds: person.id, nextStep: "", nextStepDate: "" }, { jar: holder });
    expect(logged.status).toBe(200);
    const row = await t.db.selectFrom("interactions").select(["date", "kind"]).executeTakeFirstOrThrow();
    expect(row).toEqual({ date: "2026-03-04", kind: "call" });

    const page = await (await web.get(path, { jar: holder })).text();
    expect(page).toContain("Stageplekken voor volgend jaar besproken");
    expect(page).toContain("met Jan de Vries");
    expect(page).toContain("Jan de Vries begon als Opleidingscoördinator");
  });

  it("turns a next step with a date into a task in Mijn acties, shown as overdue once the date has passed, done with one click", async () => {
    const noStep = await web.postForm(path, { intent: "log-interaction", kind: "visit", summary: "Rondleiding", nextStepDate: "2026-03-06" }, { jar: holder });
    expect(noStep.status).toBe(400);
    expect(fieldErrorOf(await noStep.text(), "nextStep")).toBe("Vul dit veld in.");

    const logged = await web.postForm(path, { intent: "log-interaction", kind: "visit", summary: "Rondleiding", nextStep: "Offerte gastles sturen", nextStepDate: "2026-03-06" }, { jar: holder });
    expect(alertsOf(await logged.text())).toContain("Het contactmoment is vastgelegd en de volgende stap staat bij Mijn acties.");

    let tasks = await (await web.get("/tasks", { jar: holder })).text();
    expect(tasks).toContain("Offerte gastles sturen");
    expect(tasks).not.toContain("Te laat");

    tasks = await (await later.get("/tasks", { jar: holder })).text();
    expect(tasks).toContain("Te laat");

    const task = await t.db.selectFrom("tasks").select(["id", "version"]).executeTakeFirstOrThrow();
    const done = await later.postForm("/tasks", { taskId: task.id, version: String(task.version) }, { jar: holder });
    expect(alertsOf(await done.text())).toContain("De actie is afgerond.");
    tasks = await (await later.get("/tasks", { jar: holder })).text();
    expect(tasks).toContain("U heeft geen openstaande acties.");
  });
});
