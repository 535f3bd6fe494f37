import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken } from "../support/factories";

type Task = { id: string; title: string; dueDate: string; status: string; version: number; isOverdue: boolean; assigneeId: string; organisationName: string | null; completedAt: string | null };
type Body = Record<string, unknown> & { error?: { code: string; fields?: Record<string, string> } };

describe("the tasks API", () => {
  let t: TestDatabase;
  let api: TestApp;
  let regionId: string;
  let holderToken: string;
  let holderId: string;
  let colleagueToken: string;
  let colleagueId: string;
  let partnerId: string;
  let partnerToken: string;
  let otherRegionToken: string;
  let organisationId: string;

  const send = (path: string, method: string, body?: unknown, token = holderToken, app = api) =>
    app.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (response: Response) => (await response.json()) as Body;
  const createTask = async (body: Record<string, unknown>, token = holderToken) => {
    const response = await send("/api/v1/tasks", "POST", body, token);
    expect(response.status).toBe(201);
    return (await response.json()) as Task;
  };
  const myTasks = async (query = "", token = holderToken, app = api) => ((await json(await app.request(`/api/v1/tasks${query}`, { token }))).items as Task[]);

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: "2026-03-04T10:00:00Z" });
    const region = await makeRegion(t.db);
    regionId = region.id;
    const other = await makeRegion(t.db);
    const holder = await makeUserWithToken(t.db, { regionId, role: "accounthouder", name: "Fatima El Amrani" });
    holderToken = holder.token;
    holderId = holder.user.id;
    const colleague = await makeUserWithToken(t.db, { regionId, role: "accounthouder", name: "Joost Kamphuis" });
    colleagueToken = colleague.token;
    colleagueId = colleague.user.id;
    otherRegionToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    organisationId = ((await json(await send("/api/v1/organisations", "POST", { kind: "company", name: "Hulshof Installatietechniek" }))) as { id: string }).id;
    const partner = await makeUserWithToken(t.db, { regionId, role: "partner", organisationId });
    partnerId = partner.user.id;
    partnerToken = partner.token;
  });
  afterAll(() => t.drop());

  it("creates a task for its creator by default and lists the caller's open tasks by due date", async () => {
    await createTask({ title: "Later", dueDate: "2026-04-01" });
    const soon = await createTask({ title: "Eerst", dueDate: "2026-03-05", organisationId });
    expect(soon).toMatchObject({ assigneeId: holderId, status: "open", source: "manual", version: 1, organisationName: "Hulshof Installatietechniek" });
    await createTask({ title: "Voor Joost", dueDate: "2026-03-06", assigneeId: colleagueId });

    const titles = (await myTasks()).map((task) => task.title);
    expect(titles.indexOf("Eerst")).toBeLessThan(titles.indexOf("Later"));
    expect(titles).not.toContain("Voor Joost");
    expect((await myTasks("", colleagueToken)).map((task) => task.title)).toEqual(["Voor Joost"]);
  });

  it("is done with one PATCH, and a stale version answers 409 and changes nothing", async () => {
    const task = await createTask({ title: "Offerte nabellen", dueDate: "2026-03-10" });
    const done = await send(`/api/v1/tasks/${task.id}`, "PATCH", { status: "done", version: task.version });
    expect(done.status).toBe(200);
    expect(await json(done)).toMatchObject({ status: "done", version: 2, completedAt: "2026-03-04T10:00:00.000Z" });
    expect((await myTasks()).map((t) => t.id)).not.toContain(task.id);
    expect((await myTasks("?status=done")).map((t) => t.id)).toContain(task.id);

    const stale = await send(`/api/v1/tasks/${task.id}`, "PATCH", { status: "open", version: 1 });
    expect(stale.status).toBe(409);
    const reopened = await send(`/api/v1/tasks/${task.id}`, "PATCH", { status: "open", version: 2 });
    expect(await json(reopened)).toMatchObject({ status: "open", version: 3, completedAt: null });
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", task.id).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["task.create", "task.complete", "task.reopen"]);
  });

  it("marks open tasks overdue once the clock is past their due date", async () => {
    const task = await createTask({ title: "Contract sturen", dueDate: "2026-03-05" });
    expect((await myTasks()).find((t) => t.id === task.id)?.isOverdue).toBe(false);
    const later = createTestApp(t.db, { now: "2026-03-06T08:00:00Z" });
    expect((await myTasks("", holderToken, later)).find((t) => t.id === task.id)?.isOverdue).toBe(true);
  });

  it("refuses a partner or unknown user as assignee", async () => {
    const response = await send("/api/v1/tasks", "POST", { title: "X", dueDate: "2026-03-10", assigneeId: partnerId });
    expect(response.status).toBe(400);
    expect((await json(response)).error?.fields?.assigneeId).toBeDefined();
    const inactive = await makeUser(t.db, { regionId, role: "accounthouder" });
    await t.db.updateTable("users").set({ active: false }).where("id", "=", inactive.id).execute();
    expect((await send("/api/v1/tasks", "POST", { title: "X", dueDate: "2026-03-10", assigneeId: inactive.id })).status).toBe(400);
  });

  it("does not reveal another region's task or organisation", async () => {
    const task = await createTask({ title: "Alleen Twente", dueDate: "2026-03-10" });
    expect((await send(`/api/v1/tasks/${task.id}`, "PATCH", { status: "done", version: 1 }, otherRegionToken)).status).toBe(404);
    expect((await send("/api/v1/tasks", "POST", { title: "X", dueDate: "2026-03-10", organisationId }, otherRegionToken)).status).toBe(404);
    expect(await myTasks("", otherRegionToken)).toEqual([]);
  });

  it("refuses a partner's token", async () => {
    expect((await api.request("/api/v1/tasks", { token: partnerToken })).status).toBe(403);
    expect((await send("/api/v1/tasks", "POST", { title: "X", dueDate: "2026-03-10" }, partnerToken)).status).toBe(403);
    const task = await createTask({ title: "Niet voor partners", dueDate: "2026-03-10" });
    expect((await send(`/api/v1/tasks/${task.id}`, "PATCH", { status: "done", version: 1 }, partnerToken)).status).toBe(403);
  });

  it("explains a missing title and an impossible due date", async () => {
    const response = await send("/api/v1/tasks", "POST", { title: "", dueDate: "2026-02-30" });
    expect(response.status).toBe(400);
    expect(Object.keys((await json(response)).error?.fields ?? {}).sort()).toEqual(["dueDate", "title"]);
  });
});
