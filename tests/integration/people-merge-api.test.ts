import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/database";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW } from "../support/factories";

type Affiliation = { id: string; organisationId: string; role: string | null; isPrimary: boolean; startDate: string; endDate: string | null; endReason: string | null };
type Person = { id: string; name: string; email: string | null; phone: string | null; source: string | null; optOut: boolean; version: number; archivedAt: string | null; affiliations: Affiliation[] };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

async function makeOrganisation(db: Database, regionId: string, name: string) {
  return db.insertInto("organisations").values({ region_id: regionId, kind: "company", name }).returning(["id", "name"]).executeTakeFirstOrThrow();
}

describe("merging two people through the API", () => {
  let t: TestDatabase;
  let api: TestApp;
  let regionId: string;
  let userId: string;
  let token: string;
  let partnerToken: string;
  let otherRegionToken: string;

  const send = (path: string, body: unknown, as = token) => api.request(path, { token: as, method: "POST", body: JSON.stringify(body) });
  const createPerson = async (body: Record<string, unknown>, as = token) => {
    const response = await send("/api/v1/people", body, as);
    expect(response.status).toBe(201);
    return (await response.json()) as Person;
  };
  const addJob = async (personId: string, body: Record<string, unknown>) => {
    const response = await send(`/api/v1/people/${personId}/affiliations`, body);
    expect(response.status).toBe(201);
    return (await response.json()) as Affiliation;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: TEST_NOW });
    const region = await makeRegion(t.db);
    regionId = region.id;
    const holder = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    userId = holder.user.id;
    token = holder.token;
    partnerToken = (await makeUserWithToken(t.db, { regionId, role: "partner" })).token;
    otherRegionToken = (await makeUserWithToken(t.db, { regionId: (await makeRegion(t.db)).id, role: "admin" })).token;
  });
  afterAll(() => t.drop());

  it("moves the duplicate's jobs and contact moments to the survivor, fills its empty fields and archives the duplicate", async () => {
    const acme = await makeOrganisation(t.db, regionId, "Acme Merge");
    const bouw = await makeOrganisation(t.db, regionId, "Bouw Merge");
    const keep = await createPerson({ name: "Anna de Jong", email: "anna@acme.nl" });
    const duplicate = await createPerson({ name: "Anna de Jongh", email: "a.dejong@prive.nl", phone: "06-12345678", source: "Beurs 2025", optOut: true });
    // The same current job twice: the duplicate's copy is older and primary, the survivor's has the role.
    const keepJob = await addJob(keep.id, { organisationId: acme.id, role: "Hr-adviseur", startDate: "2025-03-01" });
    await addJob(duplicate.id, { organisationId: acme.id, isPrimary: true, startDate: "2024-01-15" });
    const otherJob = await addJob(duplicate.id, { organisationId: bouw.id, role: "Planner", startDate: "2023-01-01" });
    // A contact moment with both, and one with the duplicate alone.
    const both = await send("/api/v1/interactions", { organisationId: acme.id, kind: "call", date: "2026-11-01", summary: "Stagebespreking", personIds: [keep.id, duplicate.id] });
    expect(both.status).toBe(201);
    const alone = await send("/api/v1/interactions", { organisationId: bouw.id, kind: "visit", date: "2026-11-02", summary: "Rondleiding", personIds: [duplicate.id] });
    expect(alone.status).toBe(201);

    const response = await send(`/api/v1/people/${keep.id}/merge`, { duplicateId: duplicate.id });
    expect(response.status).toBe(200);
    const merged = (await response.json()) as Person;
    expect(merged).toMatchObject({ id: keep.id, email: "anna@acme.nl", phone: "06-12345678", source: "Beurs 2025", optOut: true, archivedAt: null, version: keep.version + 1 });

    const current = merged.affiliations.filter((a) => !a.endDate);
    expect(current.filter((a) => a.organisationId === acme.id)).toEqual([
      expect.objectContaining({ id: keepJob.id, role: "Hr-adviseur", isPrimary: true, startDate: "2024-01-15" }),
    ]);
    expect(merged.affiliations.find((a) => a.id === otherJob.id)).toMatchObject({ organisationId: bouw.id, role: "Planner", endDate: null });

    const archived = (await (await api.request(`/api/v1/people/${duplicate.id}`, { token })).json()) as Person;
    expect(archived.archivedAt).not.toBeNull();
    // The duplicate keeps its copy of the job, ended on the merge day, so nothing is deleted and no organisation has it twice.
    expect(archived.affiliations).toEqual([expect.objectContaining({ organisationId: acme.id, endDate: "2026-11-23", endReason: "other", isPrimary: false })]);

    const links = await t.db.selectFrom("interaction_people").select(["person_id"]).where("person_id", "in", [keep.id, duplicate.id]).execute();
    expect(links.map((l) => l.person_id)).toEqual([keep.id, keep.id]);

    const audit = await t.db.selectFrom("audit_log").select(["action", "entity_id", "actor_id", "after"]).where("action", "in", ["person.merge", "person.merged_into"]).orderBy("id").execute();
    expect(audit.map((a) => [a.action, a.entity_id, a.actor_id])).toEqual([["person.merge", keep.id, userId], ["person.merged_into", duplicate.id, userId]]);
    // Field names only: the audit log holds no personal data an erasure would have to find.
    expect(JSON.stringify(audit)).not.toContain("06-12345678");
    expect((audit[0]!.after as { changed: string[] }).changed).toEqual(["phone", "source", "optOut"]);
  });

  it("refuses to merge a person with themselves (422) and merges nothing of another region (404)", async () => {
    const me = await createPerson({ name: "Bert Zelf" });
    const self = await send(`/api/v1/people/${me.id}/merge`, { duplicateId: me.id });
    expect(self.status).toBe(422);
    expect(((await self.json()) as ErrorBody).error.fields?.duplicateId).toBeDefined();

    const foreign = await createPerson({ name: "Bert Elders" }, otherRegionToken);
    expect((await send(`/api/v1/people/${me.id}/merge`, { duplicateId: foreign.id })).status).toBe(404);
    expect((await send(`/api/v1/people/${foreign.id}/merge`, { duplicateId: me.id })).status).toBe(404);
    expect((await send(`/api/v1/people/${me.id}/merge`, { duplicateId: foreign.id }, otherRegionToken)).status).toBe(404);
    const stillThere = await t.db.selectFrom("people").select("archived_at").where("id", "in", [me.id, foreign.id]).execute();
    expect(stillThere.every((p) => p.archived_at === null)).toBe(true);
  });

  it("asks for a duplicate, refuses an archived one and refuses partner users", async () => {
    const keep = await createPerson({ name: "Carla Vos" });
    const missing = await send(`/api/v1/people/${keep.id}/merge`, {});
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ErrorBody).error.fields?.duplicateId).toBeDefined();

    const gone = await createPerson({ name: "Carla Vos" });
    expect((await api.request(`/api/v1/people/${gone.id}`, { token, method: "DELETE" })).status).toBe(200);
    expect((await send(`/api/v1/people/${keep.id}/merge`, { duplicateId: gone.id })).status).toBe(422);
    expect((await send(`/api/v1/people/${keep.id}/merge`, { duplicateId: gone.id }, partnerToken)).status).toBe(403);
  });

  it("changes nothing when the merge fails halfway", async () => {
    const acme = await makeOrganisation(t.db, regionId, "Acme Halverwege");
    const keep = await createPerson({ name: "Dirk Heel" });
    const duplicate = await createPerson({ name: "Dirk Heel", phone: "0612" });
    await addJob(duplicate.id, { organisationId: acme.id });
    // A trigger that fails the archive of the duplicate, after the jobs have moved.
    await sql.raw(`create function fail_archive() returns trigger language plpgsql as $$ begin if new.archived_at is not null and new.id = '${duplicate.id}' then raise exception 'boom'; end if; return new; end $$`).execute(t.db);
    await sql.raw("create trigger fail_archive before update on people for each row execute function fail_archive()").execute(t.db);
    try {
      const response = await send(`/api/v1/people/${keep.id}/merge`, { duplicateId: duplicate.id });
      expect(response.status).toBe(500);
    } finally {
      await sql.raw("drop trigger fail_archive on people").execute(t.db);
      await sql.raw("drop function fail_archive()").execute(t.db);
    }
    const jobs = await t.db.selectFrom("affiliations").select("person_id").where("organisation_id", "=", acme.id).execute();
    expect(jobs.map((j) => j.person_id)).toEqual([duplicate.id]);
    const kept = await t.db.selectFrom("people").select(["phone", "version"]).where("id", "=", keep.id).executeTakeFirstOrThrow();
    expect(kept).toEqual({ phone: null, version: 1 });
  });
});
