import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW } from "../support/factories";

type Entry = {
  id: string; at: string; action: string; entityType: string; entityId: string;
  actor: { id: string; name: string } | null;
  changes: Array<{ field: string; before?: unknown; after?: unknown }>;
  affiliation: { personId: string; personName: string; organisationId: string; organisationName: string } | null;
  mergedWith: { id: string; name: string } | null;
};
type Page = { items: Entry[]; nextCursor: string | null };

describe("the history of an organisation and of a person", () => {
  let t: TestDatabase;
  let api: TestApp;
  let token: string;
  let holderName: string;
  let holderId: string;
  let otherHolderId: string;
  let organisationId: string;
  let otherOrganisationId: string;
  let personId: string;
  let partnerToken: string;
  let otherRegionToken: string;

  const send = async <T,>(path: string, method: string, body?: unknown, expected = 200) => {
    const response = await api.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    expect(response.status).toBe(expected);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: TEST_NOW });
    const region = await makeRegion(t.db);
    const holder = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Hanna Houder" });
    token = holder.token;
    holderName = holder.user.name;
    holderId = holder.user.id;
    otherHolderId = (await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Otto Overnemer" })).id;
    otherRegionToken = (await makeUserWithToken(t.db, { regionId: (await makeRegion(t.db)).id, role: "admin" })).token;

    const organisation = await send<{ id: string; version: number }>("/api/v1/organisations", "POST", { kind: "company", name: "Historie BV", city: "Enschede", accountHolderId: holderId }, 201);
    organisationId = organisation.id;
    await send("/api/v1/organisations/" + organisationId, "PATCH", { version: 1, city: "Hengelo", tier: "strategic", accountHolderId: otherHolderId });
    otherOrganisationId = (await send<{ id: string }>("/api/v1/organisations", "POST", { kind: "company", name: "Andere BV" }, 201)).id;
    partnerToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId })).token;

    const person = await send<{ id: string }>("/api/v1/people", "POST", { name: "Petra Persoon", email: "petra@historie.nl" }, 201);
    personId = person.id;
    const job = await send<{ id: string }>(`/api/v1/people/${personId}/affiliations`, "POST", { organisationId, role: "Directeur", startDate: "2026-01-01" }, 201);
    await send(`/api/v1/people/${personId}`, "PATCH", { version: 1, email: "p.persoon@historie.nl", phone: "053-1234567" });
    await send(`/api/v1/affiliations/${job.id}/end`, "POST", { endDate: "2026-11-01", endReason: "retired" });
  });
  afterAll(() => t.drop());

  it("lists an organisation's changes newest first, with who made them and each field from what to what", async () => {
    const page = await send<Page>(`/api/v1/organisations/${organisationId}/history`, "GET");
    expect(page.items.map((e) => e.action)).toEqual(["affiliation.end", "affiliation.start", "organisation.update", "organisation.create"]);
    const update = page.items[2]!;
    expect(update.actor).toEqual({ id: holderId, name: holderName, isPartner: false });
    expect(update.at).toBe(TEST_NOW.toISOString());
    expect(update.changes).toEqual([
      { field: "city", before: "Enschede", after: "Hengelo" },
      { field: "tier", before: "regular", after: "strategic" },
      // Ids are shown by the name they point to.
      { field: "accountHolderId", before: "Hanna Houder", after: "Otto Overnemer" },
    ]);
    expect(page.items[0]!.affiliation).toEqual({ personId, personName: "Petra Persoon", organisationId, organisationName: "Historie BV" });
    expect(page.items[0]!.changes).toEqual([{ field: "endDate", before: null, after: "2026-11-01" }, { field: "endReason", before: null, after: "retired" }]);
  });

  it("lists a person's changes by field name only, never the values", async () => {
    const page = await send<Page>(`/api/v1/people/${personId}/history`, "GET");
    expect(page.items.map((e) => e.action)).toEqual(["affiliation.end", "person.update", "affiliation.start", "person.create"]);
    expect(page.items[1]!.changes).toEqual([{ field: "email" }, { field: "phone" }]);
    expect(JSON.stringify(page)).not.toContain("053-1234567");
    expect(JSON.stringify(page)).not.toContain("petra@historie.nl");
  });

  it("names a successor and a primary flag passed on when a contact leaves", async () => {
    const workplace = (await send<{ id: string }>("/api/v1/organisations", "POST", { kind: "company", name: "Opvolging BV" }, 201)).id;
    const leaver = await send<{ id: string }>("/api/v1/people", "POST", { name: "Lars Vertrekker" }, 201);
    const successor = await send<{ id: string }>("/api/v1/people", "POST", { name: "Sanne Opvolger" }, 201);
    const leaving = await send<{ id: string }>(`/api/v1/people/${leaver.id}/affiliations`, "POST", { organisationId: workplace, isPrimary: true, startDate: "2025-01-01" }, 201);
    const staying = await send<{ id: string }>(`/api/v1/people/${successor.id}/affiliations`, "POST", { organisationId: workplace, startDate: "2025-06-01" }, 201);
    await send(`/api/v1/affiliations/${leaving.id}/end`, "POST", { endDate: "2026-11-20", endReason: "left_organisation", successorPersonId: successor.id });

    const page = await send<Page>(`/api/v1/organisations/${workplace}/history?limit=2`, "GET");
    expect(page.items[0]).toMatchObject({ action: "affiliation.set_primary", entityId: staying.id, changes: [{ field: "isPrimary", before: false, after: true }] });
    expect(page.items[1]).toMatchObject({ action: "affiliation.end", entityId: leaving.id });
    expect(page.items[1]!.changes).toContainEqual({ field: "successorPersonId", before: null, after: "Sanne Opvolger" });
  });

  it("pages with a keyset cursor and refuses a forged one", async () => {
    const first = await send<Page>(`/api/v1/organisations/${organisationId}/history?limit=3`, "GET");
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const second = await send<Page>(`/api/v1/organisations/${organisationId}/history?limit=3&cursor=${first.nextCursor}`, "GET");
    expect(second.items.map((e) => e.action)).toEqual(["organisation.create"]);
    expect(second.nextCursor).toBeNull();
    const forged = Buffer.from(JSON.stringify(["1; drop table audit_log"])).toString("base64url");
    expect((await api.request(`/api/v1/organisations/${organisationId}/history?cursor=${forged}`, { token })).status).toBe(400);
  });

  it("records archive, restore and merge in the history of both organisations", async () => {
    const duplicate = await send<{ id: string }>("/api/v1/organisations", "POST", { kind: "company", name: "Historie Dubbel" }, 201);
    await send(`/api/v1/organisations/${organisationId}/merge`, "POST", { duplicateId: duplicate.id });
    await send(`/api/v1/organisations/${otherOrganisationId}`, "DELETE");
    await send(`/api/v1/organisations/${otherOrganisationId}/restore`, "POST");

    const survivor = await send<Page>(`/api/v1/organisations/${organisationId}/history?limit=1`, "GET");
    expect(survivor.items[0]).toMatchObject({ action: "organisation.merge", mergedWith: { id: duplicate.id, name: "Historie Dubbel" } });
    const merged = await send<Page>(`/api/v1/organisations/${duplicate.id}/history`, "GET");
    expect(merged.items[0]).toMatchObject({ action: "organisation.merged_into", mergedWith: { id: organisationId, name: "Historie BV" } });
    const other = await send<Page>(`/api/v1/organisations/${otherOrganisationId}/history`, "GET");
    expect(other.items.map((e) => e.action)).toEqual(["organisation.restore", "organisation.archive", "organisation.create"]);
  });

  it("shows a partner user the history of its own organisation only, and nothing of another region", async () => {
    expect((await api.request(`/api/v1/organisations/${organisationId}/history`, { token: partnerToken })).status).toBe(200);
    expect((await api.request(`/api/v1/organisations/${otherOrganisationId}/history`, { token: partnerToken })).status).toBe(404);
    expect((await api.request(`/api/v1/people/${personId}/history`, { token: partnerToken })).status).toBe(403);
    expect((await api.request(`/api/v1/organisations/${organisationId}/history`, { token: otherRegionToken })).status).toBe(404);
    expect((await api.request(`/api/v1/people/${personId}/history`, { token: otherRegionToken })).status).toBe(404);
  });
});
