import { describe, expect, it } from "vitest";
import { renderHandoverSummaryEmail, renderWeeklyDigestEmail } from "./render";

const relationship = {
  name: "Bouwbedrijf Te Lintelo",
  kind: "company" as const,
  tier: "strategic" as const,
  url: "https://schakel.example/organisations/0b6f",
  state: "cold" as const,
  reasons: [{ message: "Accounthouder Ruud Brinkman is vertrokken en niemand heeft de relatie overgenomen", nextStep: "Wijs een nieuwe accounthouder toe." }],
  people: [{ name: "Gerrit Te Lintelo", role: "Directeur", isPrimary: true, email: "gerrit@telintelo.example", phone: "053 123 45 67" }],
  contactMoments: [{ date: "2026-09-02", kind: "visit" as const, summary: "Rondleiding over de bouwplaats", userName: "Ruud Brinkman" }],
  openTasks: [{ title: "Stageplekken nabellen", dueDate: "2026-09-20", assigneeName: "Joris Lammertink" }],
};

const digest = {
  name: "Fatima El Amrani",
  regionName: "Twente",
  today: "2026-11-23",
  weekday: 1,
  relationships: [{ name: "Koud BV", tier: "regular" as const, state: "cold" as const, isNew: true, url: "https://schakel.example/organisations/1", reasons: [{ message: "Er is geen actieve contactpersoon meer", nextStep: "Voeg een contactpersoon toe." }] }],
  overdueTasks: [{ title: "Offerte nasturen", dueDate: "2026-11-10", organisationName: null }],
  overdueCount: 1,
  openTasks: [{ title: "Gastles plannen", dueDate: "2026-12-01", organisationName: "Gezond BV" }],
  openCount: 30,
  tasksUrl: "https://schakel.example/tasks",
  profileUrl: "https://schakel.example/profile",
};

describe("handover and digest emails", () => {
  it("renders a handover summary in Dutch with the people, contact moments and open tasks of each relationship", async () => {
    const message = await renderHandoverSummaryEmail({
      locale: "nl", name: "Joris Lammertink", fromName: "Ruud Brinkman", assignedBy: "Marieke Nijhuis", regionName: "Twente",
      organisations: [relationship], tasksUrl: "https://schakel.example/tasks",
    });
    expect(message.subject).toBe("Bouwbedrijf Te Lintelo is nu uw relatie (overgedragen van Ruud Brinkman)");
    expect(message.html).toContain('href="https://schakel.example/organisations/0b6f"');
    expect(message.text).toContain("Marieke Nijhuis heeft de relaties van Ruud Brinkman aan u overgedragen (1).");
    expect(message.text).toContain("Bedrijf · Strategisch · Koud");
    expect(message.text).toContain("Gerrit Te Lintelo (Directeur) · primair contact · gerrit@telintelo.example · 053 123 45 67");
    expect(message.text).toContain("2 september 2026 · Bezoek · Rondleiding over de bouwplaats · door Ruud Brinkman");
    expect(message.text).toContain("Stageplekken nabellen, uiterlijk 20 september 2026 (Joris Lammertink)");
  });

  it("renders a handover summary in English, and names as text, never markup", async () => {
    const message = await renderHandoverSummaryEmail({
      locale: "en", name: "Sanne", fromName: '<b>Ruud</b>', assignedBy: null, regionName: "Twente",
      organisations: [relationship, { ...relationship, name: "Garage Nijenhuis", people: [], contactMoments: [], openTasks: [] }], tasksUrl: "https://schakel.example/tasks",
    });
    expect(message.subject).toBe("2 relationships of <b>Ruud</b> are now yours");
    expect(message.html).not.toContain("<b>Ruud</b>");
    expect(message.text).toContain("Company · Strategic · Cold");
    expect(message.text).toContain("No active contact people.");
    expect(message.text).toContain("No contact moments recorded yet.");
    expect(message.text).toContain("2 September 2026 · Visit");
  });

  it("renders a weekly digest with its relationships, overdue and open tasks, and how to change it", async () => {
    const nl = await renderWeeklyDigestEmail({ ...digest, locale: "nl" });
    expect(nl.subject).toBe("Uw week in Schakel: 1 relatie vraagt aandacht");
    expect(nl.text).toContain("Koud · Regulier · nieuw deze week");
    expect(nl.text).toContain("Er is geen actieve contactpersoon meer. Voeg een contactpersoon toe.");
    expect(nl.text).toContain("Offerte nasturen · uiterlijk 10 november 2026");
    expect(nl.text).toContain("Gastles plannen · Gezond BV · uiterlijk 1 december 2026");
    expect(nl.text).toContain("en nog 29 meer");
    expect(nl.html).toContain('href="https://schakel.example/profile"');

    const en = await renderWeeklyDigestEmail({ ...digest, locale: "en", relationships: [], weekday: 5 });
    expect(en.subject).toBe("Your week in Schakel");
    expect(en.text).toContain("None of your relationships is cooling or cold.");
    expect(en.text).toContain("You get this digest every Friday.");
  });
});
