import { expect } from "vitest";
import type { Database } from "../../server/db/database";
import { queueEmail } from "../../server/domains/email/outbox.service";
import type { TestApp } from "./app";
import { makeRegion, makeUserWithToken } from "./factories";

/**
 * The names both regions of a cross-region test use: the same company, person, email address, phone
 * number and tags in each, and region A's own name, so a write that matches by text instead of by id
 * and region shows up as a change in the other region's dump.
 */
export const LOOKALIKE = {
  regionName: "STO Twente",
  company: "Klaassen Elektrotechniek",
  school: "Het Stedelijk vmbo",
  person: "Marieke Hoogeveen",
  email: "marieke@klaassen.example",
  phone: "06-12345678",
  leaver: "Henk Vroeger",
  leaverEmail: "henk@klaassen.example",
  tags: ["Marieke Hoogeveen", "STO Twente", "techniek"],
} as const;

type Json = Record<string, unknown>;

export type LookalikeRegion = Awaited<ReturnType<typeof seedLookalikeRegion>>;

/**
 * A region filled through the API as its users would, with the lookalike names everywhere text can
 * hold them: the company (named, tagged), the person (name, email, phone, a job), a contact moment
 * naming them with a next step (a task), a guest lesson they gave, a task naming them, an email to
 * them in the outbox, and a departed contact whose job ended in 2020 (due for retention). `name`
 * names the region; region A is called like the attacker's lookalike.
 */
export async function seedLookalikeRegion(db: Database, web: TestApp, options: { name?: string } = {}) {
  const region = await makeRegion(db, options.name ? { name: options.name } : {});
  const admin = await makeUserWithToken(db, { regionId: region.id, role: "admin", name: `Ada ${LOOKALIKE.person}` });
  const holder = await makeUserWithToken(db, { regionId: region.id, role: "accounthouder", name: "Bram Accounthouder" });
  const api = async (path: string, token: string, method = "GET", body?: unknown, status = method === "POST" ? 201 : 200) => {
    const response = await web.request(`/api/v1${path}`, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json = (await response.json()) as Json;
    expect(response.status, `${method} ${path}: ${JSON.stringify(json)}`).toBe(status);
    return json;
  };
  const company = await api("/organisations", holder.token, "POST", {
    kind: "company", name: LOOKALIKE.company, status: "active", tier: "regular", accountHolderId: holder.user.id, tags: [...LOOKALIKE.tags], city: LOOKALIKE.regionName,
  });
  const school = await api("/organisations", holder.token, "POST", { kind: "vmbo", name: LOOKALIKE.school, status: "active", tier: "regular", tags: [LOOKALIKE.company] });
  const person = await api("/people", holder.token, "POST", {
    name: LOOKALIKE.person, email: LOOKALIKE.email, phone: LOOKALIKE.phone, lawfulBasis: "legitimate_interest", source: `${LOOKALIKE.regionName} beurs`,
  });
  await api(`/people/${person.id}/affiliations`, holder.token, "POST", { organisationId: company.id, role: "Opleidingscoördinator", isPrimary: true, startDate: "2024-01-01" });
  await api("/interactions", holder.token, "POST", {
    organisationId: company.id, kind: "meeting", date: "2026-10-01", personIds: [person.id],
    summary: `${LOOKALIKE.person} (${LOOKALIKE.email}, ${LOOKALIKE.phone}) van ${LOOKALIKE.company} wil via ${LOOKALIKE.regionName} een gastles geven`,
    nextStep: `${LOOKALIKE.person} bellen`, nextStepDate: "2026-12-01",
  });
  await api("/activities", holder.token, "POST", {
    type: "guest_lesson", title: `Gastles door ${LOOKALIKE.person}`, description: `Contact: ${LOOKALIKE.email}`, status: "done", startDate: "2026-10-15",
    organisationIds: [company.id], schoolIds: [school.id], speakerPersonId: person.id, topic: LOOKALIKE.person, pupilsReached: 24, teachersInvolved: 1, hours: 2,
  });
  await api("/tasks", holder.token, "POST", { organisationId: company.id, assigneeId: holder.user.id, dueDate: "2026-12-01", title: `${LOOKALIKE.person} mailen op ${LOOKALIKE.email}` });
  const leaver = await api("/people", holder.token, "POST", { name: LOOKALIKE.leaver, email: LOOKALIKE.leaverEmail, lawfulBasis: "legitimate_interest" });
  const job = await api(`/people/${leaver.id}/affiliations`, holder.token, "POST", { organisationId: company.id, role: "Monteur", isPrimary: false, startDate: "2015-01-01" });
  await api(`/affiliations/${job.id}/end`, holder.token, "POST", { endDate: "2020-06-30", endReason: "left_organisation" }, 200);
  await api("/interactions", holder.token, "POST", {
    organisationId: company.id, kind: "call", date: "2020-05-01", personIds: [leaver.id], summary: `${LOOKALIKE.leaver} gaat weg; ${LOOKALIKE.person} neemt het over`,
  });
  const { renderRetentionReportEmail } = await import("../../emails/retention-report");
  const message = await renderRetentionReportEmail({ locale: "nl", name: LOOKALIKE.person, regionName: LOOKALIKE.regionName, count: 1, retentionMonths: 24, url: "http://schakel.test" });
  await queueEmail(db, { regionId: region.id, template: "speaker_reminder", to: LOOKALIKE.email, toName: LOOKALIKE.person, message, now: new Date("2026-10-14T08:00:00Z") });
  return {
    region, admin, holder, api,
    companyId: String(company.id), schoolId: String(school.id), personId: String(person.id), leaverId: String(leaver.id),
  };
}
