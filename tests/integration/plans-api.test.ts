import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Body = Record<string, unknown> & { error?: { code: string } };
type Step = { taskId: string; position: number; title: string; role: string; assigneeId: string; dueDate: string; status: string; closedReason: string | null };
type Plan = { id: string; event: string; status: string; startDate: string; startedById: string | null; stepsDone: number; stepsTotal: number; steps: Step[] };
type Template = { id: string; event: string; steps: Array<{ title: string; role: string; dueSchoolDays: number }>; version: number };

/**
 * A plan for every turnover (issue 20, item 3), through the API with the clock moved as SCHAKEL_NOW
 * moves it. The region keeps its default holidays; the Christmas holiday of 2026 runs from Saturday
 * 19 December 2026 to Sunday 3 January 2027, so each due date can be counted on a calendar.
 */
describe("plans of follow-up tasks (/organisations/{id}/plans, /plan-templates)", () => {
  let t: TestDatabase;
  let holder: { token: string; id: string };
  let admin: { token: string; id: string };
  let partnerToken: string;
  let otherToken: string;
  let leftId: string;

  const appAt = (day: string) => createTestApp(t.db, { now: `${day}T10:00:00Z` });
  const send = async (app: TestApp, path: string, method = "GET", body?: unknown, token = holder.token) =>
    app.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (response: Response) => (await response.json()) as Body;
  const plansOf = async (app: TestApp, organisationId: string, token = holder.token) => {
    const response = await send(app, `/api/v1/organisations/${organisationId}/plans`, "GET", undefined, token);
    expect(response.status).toBe(200);
    return (await json(response)).items as Plan[];
  };

  /** A regular partner owned by the account holder, with one (primary) contact, spoken to on the day. */
  async function partner(app: TestApp, name: string, day: string, tier = "regular") {
    const created = await json(await send(app, "/api/v1/organisations", "POST", { kind: "company", name, tier, accountHolderId: holder.id }));
    const id = String(created.id);
    const person = await json(await send(app, "/api/v1/people", "POST", { name: `Contact van ${name}` }));
    const job = await json(await send(app, `/api/v1/people/${String(person.id)}/affiliations`, "POST", { organisationId: id, isPrimary: true, startDate: "2024-01-01" }));
    expect((await send(app, "/api/v1/interactions", "POST", { organisationId: id, kind: "visit", summary: "Bedrijfsbezoek", date: day })).status).toBe(201);
    return { id, affiliationId: String(job.id) };
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const a = await makeUserWithToken(t.db, { regionId: region.id, role: "admin", name: "Ingrid Haverkate" });
    admin = { token: a.token, id: a.user.id };
    const h = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    holder = { token: h.token, id: h.user.id };
    otherToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    const left = await partner(appAt("2026-12-01"), "Sjöberg Techniek", "2026-12-01");
    leftId = left.id;
    partnerToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: leftId })).token;
    // Monday 14 December 2026: the primary and only contact leaves, and no one is named to take over.
    expect((await send(appAt("2026-12-14"), `/api/v1/affiliations/${left.affiliationId}/end`, "POST", { endDate: "2026-12-14", endReason: "left_organisation" })).status).toBe(200);
  });
  afterAll(() => t?.drop());

  it("a contact leaving without a successor starts the 'Contactpersoon vertrokken' plan with its tasks for the owner, due on school days", async () => {
    const app = appAt("2026-12-14");
    const [plan, ...others] = await plansOf(app, leftId);
    expect(others).toEqual([]);
    expect(plan).toMatchObject({ event: "contact_left", status: "running", startDate: "2026-12-14", startedById: null, stepsDone: 0, stepsTotal: 4 });
    // 2, 10, 15 and 20 school days after Monday 14 December: the Christmas holiday (19 Dec – 3 Jan)
    // and every weekend are skipped. The coordinator's step goes to the admin: the region names no coordinator.
    expect(plan!.steps.map((step) => [step.title, step.role, step.assigneeId, step.dueDate, step.status])).toEqual([
      ["Vraag wie het werk van de vertrokken contactpersoon overneemt", "owner", holder.id, "2026-12-16", "open"],
      ["Maak kennis met de nieuwe contactpersoon en leg het contactmoment vast", "owner", holder.id, "2027-01-11", "open"],
      ["Werk de contactpersonen en lopende afspraken bij", "owner", holder.id, "2027-01-18", "open"],
      ["Bespreek de relatie in het regio-overleg", "coordinator", admin.id, "2027-01-25", "open"],
    ]);
    // The plan's steps are the owner's tasks; the single "Opvolger zoeken" task and the turnover's
    // "Relatie oppakken" are not made besides them, and the cold relationship starts no second plan.
    const tasks = (await json(await send(app, "/api/v1/tasks"))).items as Array<{ organisationId: string; title: string; source: string }>;
    expect(tasks.filter((task) => task.organisationId === leftId).map((task) => [task.title, task.source])).toEqual([
      ["Vraag wie het werk van de vertrokken contactpersoon overneemt", "plan"],
      ["Maak kennis met de nieuwe contactpersoon en leg het contactmoment vast", "plan"],
      ["Werk de contactpersonen en lopende afspraken bij", "plan"],
    ]);
    expect((await json(await send(app, `/api/v1/organisations/${leftId}/health`))).state).toBe("cold");
  });

  it("stops the plan when the relationship is healthy again: a done step stays done, the open ones close with that reason", async () => {
    const app = appAt("2026-12-16");
    const [plan] = await plansOf(app, leftId);
    const first = plan!.steps[0]!;
    const task = await json(await send(app, "/api/v1/tasks?status=open"));
    const version = (task.items as Array<{ id: string; version: number }>).find((item) => item.id === first.taskId)!.version;
    expect((await send(app, `/api/v1/tasks/${first.taskId}`, "PATCH", { status: "done", version })).status).toBe(200);
    expect((await plansOf(app, leftId))[0]).toMatchObject({ status: "running", stepsDone: 1 });

    // Two new contacts (one alone would be worth watching), spoken to: healthy again.
    for (const name of ["Sanne Mulder", "Bart Oude Vrielink"]) {
      const person = await json(await send(app, "/api/v1/people", "POST", { name }));
      await send(app, `/api/v1/people/${String(person.id)}/affiliations`, "POST", { organisationId: leftId, isPrimary: name === "Sanne Mulder", startDate: "2026-12-15" });
    }
    expect((await send(app, "/api/v1/interactions", "POST", { organisationId: leftId, kind: "call", summary: "Kennisgemaakt met Sanne", date: "2026-12-16" })).status).toBe(201);
    expect((await json(await send(app, `/api/v1/organisations/${leftId}/health`))).state).toBe("healthy");

    const [ended] = await plansOf(app, leftId);
    expect(ended).toMatchObject({ status: "recovered", stepsDone: 1, stepsTotal: 4 });
    expect(ended!.steps.map((step) => [step.status, step.closedReason])).toEqual([
      ["done", null], ["done", "relationship_healthy"], ["done", "relationship_healthy"], ["done", "relationship_healthy"],
    ]);
    const open = (await json(await send(app, "/api/v1/tasks"))).items as Array<{ organisationId: string }>;
    expect(open.filter((item) => item.organisationId === leftId)).toEqual([]);
  });

  it("a relationship turned cold by silence starts the 'Relatie koud' plan, counted from the day the recompute saw it", async () => {
    const quiet = await partner(appAt("2026-09-01"), "Hulshof Installatietechniek", "2026-09-01", "strategic");
    expect(await plansOf(appAt("2026-09-01"), quiet.id)).toEqual([]);
    // Tuesday 1 June 2027: long past twice the strategic cadence of 60 days.
    const later = appAt("2027-06-01");
    const result = await json(await send(later, "/api/v1/health/recompute", "POST", { organisationId: quiet.id }, admin.token));
    expect(result).toMatchObject({ plansStarted: 1 });
    const [plan] = await plansOf(later, quiet.id);
    expect(plan).toMatchObject({ event: "relationship_cold", status: "running", startDate: "2027-06-01" });
    expect(plan!.steps.map((step) => [step.assigneeId, step.dueDate])).toEqual([[holder.id, "2027-06-04"], [holder.id, "2027-06-15"], [admin.id, "2027-06-22"]]);
    // A second recompute starts nothing more.
    expect(await json(await send(later, "/api/v1/health/recompute", "POST", { organisationId: quiet.id }, admin.token))).toMatchObject({ plansStarted: 0 });
  });

  it("admins edit a template; a plan started by hand uses it, counting from the first school day after the holiday", async () => {
    const app = appAt("2026-12-19");
    const templates = (await json(await send(app, "/api/v1/plan-templates"))).items as Template[];
    expect(templates.map((template) => [template.event, template.steps.length])).toEqual([
      ["contact_left", 4], ["new_owner", 4], ["new_partner", 4], ["relationship_cold", 3],
    ]);
    const newPartner = templates.find((template) => template.event === "new_partner")!;
    const steps = [{ title: "Welkomstpakket sturen", role: "owner", dueSchoolDays: 0 }, { title: "Samenwerking vastleggen", role: "penvoerder", dueSchoolDays: 1 }];
    // Only an admin edits templates; a stale version is a conflict.
    expect((await send(app, `/api/v1/plan-templates/${newPartner.id}`, "PUT", { steps, version: newPartner.version })).status).toBe(403);
    const saved = await send(app, `/api/v1/plan-templates/${newPartner.id}`, "PUT", { steps, version: newPartner.version }, admin.token);
    expect(saved.status).toBe(200);
    expect(((await json(saved)) as unknown as Template).steps).toEqual([{ position: 1, ...steps[0] }, { position: 2, ...steps[1] }]);
    expect((await send(app, `/api/v1/plan-templates/${newPartner.id}`, "PUT", { steps, version: newPartner.version }, admin.token)).status).toBe(409);

    // Saturday 19 December, the first day of the Christmas holiday: "0 school days" is Monday 4 January.
    const started = await send(app, `/api/v1/organisations/${leftId}/plans`, "POST", { event: "new_partner" });
    expect(started.status).toBe(201);
    const plan = (await json(started)) as unknown as Plan;
    expect(plan).toMatchObject({ event: "new_partner", status: "running", startedById: holder.id, stepsTotal: 2 });
    // No penvoerder in the region: the step goes to the admin, as the coordinator's would.
    expect(plan.steps.map((step) => [step.title, step.assigneeId, step.dueDate])).toEqual([
      ["Welkomstpakket sturen", holder.id, "2027-01-04"], ["Samenwerking vastleggen", admin.id, "2027-01-05"],
    ]);
    // The same plan twice is refused while it runs.
    const twice = await send(app, `/api/v1/organisations/${leftId}/plans`, "POST", { event: "new_partner" });
    expect(twice.status).toBe(422);
    expect((await json(twice)).error?.code).toBe("RULE_VIOLATION");
    // Its last step done completes it.
    for (const step of plan.steps) {
      const assignee = step.assigneeId === holder.id ? holder.token : admin.token;
      const list = (await json(await send(app, "/api/v1/tasks", "GET", undefined, assignee))).items as Array<{ id: string; version: number }>;
      const version = list.find((item) => item.id === step.taskId)!.version;
      expect((await send(app, `/api/v1/tasks/${step.taskId}`, "PATCH", { status: "done", version }, assignee)).status).toBe(200);
    }
    expect((await plansOf(app, leftId)).find((item) => item.id === plan.id)).toMatchObject({ status: "completed", stepsDone: 2 });
  });

  it("a prospect becoming an active partner starts the 'Nieuwe partner' plan; a school made active does not", async () => {
    const app = appAt("2026-11-23");
    const made = async (kind: string, name: string) => {
      const created = await json(await send(app, "/api/v1/organisations", "POST", { kind, name, status: "prospect", accountHolderId: holder.id }));
      expect(await plansOf(app, String(created.id))).toEqual([]);
      const patched = await send(app, `/api/v1/organisations/${String(created.id)}`, "PATCH", { status: "active", version: created.version });
      expect(patched.status).toBe(200);
      return String(created.id);
    };
    const company = await made("company", "Schilders Lansink");
    const [plan] = await plansOf(app, company);
    // The template as the admin left it above: two steps, due 0 and 1 school days from Monday 23 November.
    expect(plan).toMatchObject({ event: "new_partner", status: "running", startedById: null, startDate: "2026-11-23" });
    expect(plan!.steps.map((step) => step.dueDate)).toEqual(["2026-11-23", "2026-11-24"]);
    expect(await plansOf(app, await made("vmbo", "Het Assink Lyceum vmbo"))).toEqual([]);
  });

  it("partners never see plans; another region's organisation is not found", async () => {
    const app = appAt("2026-12-21");
    expect((await send(app, `/api/v1/organisations/${leftId}/plans`, "GET", undefined, partnerToken)).status).toBe(403);
    expect((await send(app, `/api/v1/organisations/${leftId}/plans`, "POST", { event: "relationship_cold" }, partnerToken)).status).toBe(403);
    expect((await send(app, "/api/v1/plan-templates", "GET", undefined, partnerToken)).status).toBe(403);
    expect((await send(app, `/api/v1/organisations/${leftId}/plans`, "GET", undefined, otherToken)).status).toBe(404);
    expect((await send(app, `/api/v1/organisations/${leftId}/plans`, "POST", { event: "relationship_cold" }, otherToken)).status).toBe(404);
    const templates = (await json(await send(app, "/api/v1/plan-templates", "GET", undefined, otherToken))).items as Template[];
    const mine = (await json(await send(app, "/api/v1/plan-templates"))).items as Template[];
    expect(templates.map((template) => template.id).filter((id) => mine.some((own) => own.id === id))).toEqual([]);
    expect((await send(app, `/api/v1/plan-templates/${mine[0]!.id}`, "PUT", { steps: [], version: mine[0]!.version }, otherToken)).status).toBe(404);
  });
});
