import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Body = Record<string, unknown> & { error?: { code: string; message: string; fields?: Record<string, string> } };
type Activity = Body & { id: string; version: number; status: string; organisationIds: string[]; schoolIds: string[] };

describe("activities through the API", () => {
  let t: TestDatabase;
  let api: TestApp;
  let holderToken: string;
  let penvoerderToken: string;
  let otherRegionToken: string;
  let partnerToken: string;
  let company: string;
  let otherCompany: string;
  let school: string;
  let primarySchool: string;
  let speakerId: string;
  let subregionNoord: string;

  const send = (path: string, method: string, body?: unknown, token = holderToken) =>
    api.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (response: Response) => (await response.json()) as Body;
  const organisation = async (name: string, kind: string, extra: Record<string, unknown> = {}) => {
    const response = await send("/api/v1/organisations", "POST", { kind, name, ...extra });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const activityCount = async () => Number((await t.db.selectFrom("activities").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  const guestLesson = (extra: Record<string, unknown> = {}) => ({
    type: "guest_lesson", title: "Gastles elektrotechniek", startDate: "2026-03-12", startTime: "10:30", endTime: "11:20",
    organisationIds: [company], schoolIds: [school], className: "3B", topic: "Zonnepanelen", profiles: ["PIE"], learningPaths: ["BB", "KB"], ...extra,
  });
  const create = async (body: Record<string, unknown>) => {
    const response = await send("/api/v1/activities", "POST", body);
    const created = (await response.json()) as Activity;
    expect(response.status, JSON.stringify(created)).toBe(201);
    return created;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: "2026-03-04T10:00:00Z" });
    const region = await makeRegion(t.db);
    subregionNoord = (await t.db.selectFrom("subregions").select("id").where("region_id", "=", region.id).where("name", "=", "Noord").executeTakeFirstOrThrow()).id;
    const other = await makeRegion(t.db);
    holderToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder" })).token;
    penvoerderToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder" })).token;
    otherRegionToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    company = await organisation("Hulshof Installatietechniek", "company", { subregionId: subregionNoord });
    otherCompany = await organisation("Twentse Metaal", "company");
    school = await organisation("Het Assink Lyceum vmbo", "vmbo");
    primarySchool = await organisation("Basisschool De Esch", "primary");
    partnerToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: company })).token;
    const person = (await json(await send("/api/v1/people", "POST", { name: "Anouk Jansen" }))) as { id: string };
    speakerId = person.id;
    expect((await send(`/api/v1/people/${speakerId}/affiliations`, "POST", { organisationId: company, role: "Monteur", startDate: "2024-01-01" })).status).toBe(201);
  });
  afterAll(() => t.drop());

  it("creates a guest lesson with its speaker, class, time and profiles, and audits it", async () => {
    const lesson = await create(guestLesson({ speakerPersonId: speakerId }));
    expect(lesson).toMatchObject({
      type: "guest_lesson", status: "planned", startDate: "2026-03-12", endDate: "2026-03-12", startTime: "10:30", endTime: "11:20",
      organisationIds: [company], schoolIds: [school], className: "3B", topic: "Zonnepanelen", speakerPersonId: speakerId, supervisorPersonId: null,
      personName: "Anouk Jansen", profiles: ["PIE"], learningPaths: ["BB", "KB"], pupilsReached: null, version: 1, sharedWithRegionIds: [],
    });
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", lesson.id).execute();
    expect(audit.map((a) => a.action)).toEqual(["activity.create"]);
    expect(await json(await send(`/api/v1/activities/${lesson.id}`, "GET"))).toMatchObject({ id: lesson.id, title: "Gastles elektrotechniek" });
  });

  it("creates an internship with places and a supervisor over a period, an elective with two partners and two schools, and a Technolab session", async () => {
    const internship = await create({
      type: "internship", title: "Snuffelstage installatietechniek", startDate: "2026-02-02", endDate: "2026-02-13", status: "offered",
      organisationIds: [company], placesOffered: 4, placesFilled: 2, supervisorPersonId: speakerId, hours: 64.5, learningPaths: ["BB"],
    });
    expect(internship).toMatchObject({ type: "internship", status: "offered", endDate: "2026-02-13", placesOffered: 4, placesFilled: 2, supervisorPersonId: speakerId, speakerPersonId: null, hours: 64.5 });
    const elective = await create({ type: "elective", title: "Keuzevak Duurzame energie", startDate: "2025-09-01", endDate: "2026-07-10", organisationIds: [company, otherCompany], schoolIds: [school] });
    expect(elective.organisationIds.sort()).toEqual([company, otherCompany].sort());
    expect(elective.schoolIds).toEqual([school]);
    const technolab = await create({ type: "technolab", title: "Technolab groep 7", startDate: "2026-04-01", schoolIds: [primarySchool], className: "groep 7" });
    expect(technolab).toMatchObject({ schoolIds: [primarySchool], organisationIds: [], className: "groep 7" });
  });

  it("refuses an end before the start, more places filled than offered and a guest lesson without a school, naming the field and writing nothing", async () => {
    const before = await activityCount();
    const cases: Array<[Record<string, unknown>, string]> = [
      [guestLesson({ startDate: "2026-03-12", endDate: "2026-03-11" }), "endDate"],
      [{ type: "internship", title: "Stage", startDate: "2026-02-02", organisationIds: [company], placesOffered: 2, placesFilled: 3 }, "placesFilled"],
      [guestLesson({ schoolIds: [] }), "schoolIds"],
      [guestLesson({ profiles: ["XYZ"] }), "profiles.0"],
      [guestLesson({ schoolIds: [company] }), "schoolIds"],
      [guestLesson({ speakerPersonId: "00000000-0000-4000-8000-000000000000" }), "speakerPersonId"],
      [guestLesson({ status: "done" }), "pupilsReached"],
      [guestLesson({ location: "Aula" }), "location"],
    ];
    for (const [body, field] of cases) {
      const response = await send("/api/v1/activities", "POST", body);
      const result = await json(response);
      expect(response.status, field).toBe(400);
      expect(result.error?.code).toBe("VALIDATION_FAILED");
      expect(Object.keys(result.error?.fields ?? {}), JSON.stringify(result)).toContain(field);
    }
    expect(await activityCount()).toBe(before);
  });

  it("moves offered → planned → done with pupils reached and teachers involved, and refuses going back", async () => {
    const offered = await create(guestLesson({ status: "offered" }));
    const planned = (await json(await send(`/api/v1/activities/${offered.id}`, "PATCH", { version: offered.version, status: "planned" }))) as Activity;
    expect(planned).toMatchObject({ status: "planned", version: 2 });

    const withoutFigures = await send(`/api/v1/activities/${offered.id}`, "PATCH", { version: 2, status: "done" });
    expect(withoutFigures.status).toBe(400);
    expect(Object.keys((await json(withoutFigures)).error?.fields ?? {})).toEqual(["pupilsReached", "teachersInvolved"]);

    const done = await json(await send(`/api/v1/activities/${offered.id}`, "PATCH", { version: 2, status: "done", pupilsReached: 28, teachersInvolved: 2 }));
    expect(done).toMatchObject({ status: "done", pupilsReached: 28, teachersInvolved: 2, version: 3 });

    const back = await send(`/api/v1/activities/${offered.id}`, "PATCH", { version: 3, status: "planned" });
    expect(back.status).toBe(422);
    expect((await json(back)).error).toMatchObject({ code: "RULE_VIOLATION", message: "An activity cannot go from done to planned" });
    const skip = await create(guestLesson({ status: "offered" }));
    expect((await send(`/api/v1/activities/${skip.id}`, "PATCH", { version: 1, status: "done", pupilsReached: 1, teachersInvolved: 1 })).status).toBe(422);
    expect((await json(await send(`/api/v1/activities/${skip.id}`, "PATCH", { version: 1, status: "cancelled" }))).status).toBe("cancelled");

    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", offered.id).orderBy("created_at").orderBy("id").execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["activity.complete", "activity.create", "activity.plan"]);
  });

  it("answers 409 to a stale version and changes nothing", async () => {
    const lesson = await create(guestLesson());
    expect((await send(`/api/v1/activities/${lesson.id}`, "PATCH", { version: 1, topic: "Warmtepompen" })).status).toBe(200);
    const stale = await send(`/api/v1/activities/${lesson.id}`, "PATCH", { version: 1, topic: "Laadpalen" });
    expect(stale.status).toBe(409);
    expect((await json(await send(`/api/v1/activities/${lesson.id}`, "GET"))).topic).toBe("Warmtepompen");
  });

  it("checks a change as a whole: an end date before the stored start is refused", async () => {
    const lesson = await create(guestLesson());
    const response = await send(`/api/v1/activities/${lesson.id}`, "PATCH", { version: 1, endDate: "2026-03-01" });
    expect(response.status).toBe(400);
    expect((await json(response)).error?.fields).toHaveProperty("endDate");
  });

  it("filters by type, status, organisation, school, profile, subregion, school year and period, in keyset pages", async () => {
    const lastYear = await create(guestLesson({ title: "Vorig schooljaar", startDate: "2025-07-31" }));
    const thisYear = await create(guestLesson({ title: "Dit schooljaar", startDate: "2025-08-01", organisationIds: [otherCompany], profiles: ["BWI"] }));
    const titles = async (query: string) => ((await json(await send(`/api/v1/activities?limit=200&${query}`, "GET"))).items as Activity[]).map((a) => a.title);
    expect(await titles("schoolYear=2024-2025")).toEqual(["Vorig schooljaar"]);
    expect(await titles("schoolYear=2025-2026")).toContain("Dit schooljaar");
    expect(await titles("schoolYear=2025-2026")).not.toContain("Vorig schooljaar");
    expect(await titles("profile=BWI")).toEqual(["Dit schooljaar"]);
    expect(await titles(`organisationId=${otherCompany}&type=guest_lesson`)).toEqual(["Dit schooljaar"]);
    expect(await titles(`schoolId=${primarySchool}`)).toEqual(["Technolab groep 7"]);
    expect(await titles(`subregionId=${subregionNoord}&from=2025-07-01&to=2025-08-31`)).toEqual(["Vorig schooljaar"]);
    expect(await titles("status=cancelled")).toHaveLength(1);
    expect((await send("/api/v1/activities?schoolYear=2025-2027", "GET")).status).toBe(400);

    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page = await json(await send(`/api/v1/activities?limit=3${cursor ? `&cursor=${cursor}` : ""}`, "GET"));
      seen.push(...(page.items as Activity[]).map((a) => a.id));
      cursor = page.nextCursor as string | null;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(lastYear.id);
    expect(seen).toContain(thisYear.id);
    expect(seen.length).toBe(await t.db.selectFrom("activities").select("id").where("archived_at", "is", null).execute().then((rows) => rows.length));
  });

  it("lists what is coming soonest first with order=soonest and from, in keyset pages, and keeps newest first without it", async () => {
    for (const [title, startDate] of [["Komt eerst", "2027-02-01"], ["Komt daarna", "2027-03-01"], ["Komt later", "2027-04-01"], ["Komt laatst", "2027-05-01"], ["Was al", "2026-01-15"]] as const) {
      await create(guestLesson({ title, startDate }));
    }
    const items = async (query: string) => (await json(await send(`/api/v1/activities?${query}`, "GET"))) as Body & { items: Activity[]; nextCursor: string | null };
    const soonest: Activity[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page = await items(`order=soonest&from=2027-01-01&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      soonest.push(...page.items);
      cursor = page.nextCursor;
    }
    const dates = soonest.map((a) => a.startDate as string);
    expect(dates).toEqual([...dates].sort());
    expect(soonest.map((a) => a.title)).toEqual(expect.arrayContaining(["Komt eerst", "Komt daarna", "Komt later", "Komt laatst"]));
    expect(soonest.map((a) => a.title)).not.toContain("Was al");
    expect(new Set(soonest.map((a) => a.id)).size).toBe(soonest.length);
    const newest = (await items("limit=200")).items.map((a) => a.startDate as string);
    expect(newest).toEqual([...newest].sort().reverse());
    expect((await send("/api/v1/activities?order=oldest", "GET")).status).toBe(400);
  });

  it("archives on DELETE: gone from the list, kept in the database", async () => {
    const lesson = await create(guestLesson({ title: "Wordt verwijderd" }));
    expect((await send(`/api/v1/activities/${lesson.id}`, "DELETE")).status).toBe(200);
    const list = await json(await send("/api/v1/activities?limit=200", "GET"));
    expect((list.items as Activity[]).map((a) => a.id)).not.toContain(lesson.id);
    expect((await send(`/api/v1/activities/${lesson.id}`, "PATCH", { version: 2, title: "Terug" })).status).toBe(404);
  });

  it("hides the region's activities from another region: 404 on read, change and delete, and an empty list", async () => {
    const lesson = await create(guestLesson());
    for (const [method, body] of [["GET", undefined], ["PATCH", { version: 1, title: "Overgenomen" }], ["DELETE", undefined]] as const) {
      expect((await send(`/api/v1/activities/${lesson.id}`, method, body, otherRegionToken)).status, method).toBe(404);
    }
    expect((await json(await send("/api/v1/activities", "GET", undefined, otherRegionToken))).items).toEqual([]);
    // Nor can an activity of this region name another region's organisations.
    const foreign = await send("/api/v1/activities", "POST", { ...guestLesson(), organisationIds: [company] }, otherRegionToken);
    expect(foreign.status).toBe(400);
  });

  it("shows a partner user only the activities its organisation takes part in, and lets it change none yet", async () => {
    const own = await create(guestLesson({ title: "Met de eigen partner" }));
    const notOwn = await create(guestLesson({ title: "Met een ander", organisationIds: [otherCompany] }));
    expect((await send(`/api/v1/activities/${own.id}`, "GET", undefined, partnerToken)).status).toBe(200);
    expect((await send(`/api/v1/activities/${notOwn.id}`, "GET", undefined, partnerToken)).status).toBe(404);
    const list = (await json(await send("/api/v1/activities?limit=200", "GET", undefined, partnerToken))).items as Activity[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((a) => a.organisationIds.includes(company))).toBe(true);
    // Filtering on another organisation shows only what the partner's own organisation shares with it.
    const withOther = (await send(`/api/v1/activities?organisationId=${otherCompany}&limit=200`, "GET", undefined, partnerToken).then(json)).items as Activity[];
    expect(withOther.map((a) => a.id)).not.toContain(notOwn.id);
    expect(withOther.every((a) => a.organisationIds.includes(company))).toBe(true);

    const before = await activityCount();
    expect((await send("/api/v1/activities", "POST", guestLesson(), partnerToken)).status).toBe(403);
    expect((await send(`/api/v1/activities/${own.id}`, "PATCH", { version: 1, title: "Zelf gewijzigd" }, partnerToken)).status).toBe(403);
    expect((await send(`/api/v1/activities/${own.id}`, "DELETE", undefined, partnerToken)).status).toBe(403);
    expect((await send("/api/v1/activities", "POST", guestLesson(), penvoerderToken)).status).toBe(403);
    expect(await activityCount()).toBe(before);
  });
});
