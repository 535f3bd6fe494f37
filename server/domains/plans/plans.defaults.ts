import type { PlanEvent, PlanRole } from "../../../db/schema";
import type { Database } from "../../db/database";

/**
 * The templates every region starts with: the steps a region's coordinators would take after each
 * turnover event, in Dutch (a task title is the region's shared text). Admins change them on the
 * "Plannen" settings page; the migration that introduced plans gave existing regions this same list.
 */
export const DEFAULT_PLAN_TEMPLATES: Record<PlanEvent, Array<{ title: string; role: PlanRole; dueSchoolDays: number }>> = {
  contact_left: [
    { title: "Vraag wie het werk van de vertrokken contactpersoon overneemt", role: "owner", dueSchoolDays: 2 },
    { title: "Maak kennis met de nieuwe contactpersoon en leg het contactmoment vast", role: "owner", dueSchoolDays: 10 },
    { title: "Werk de contactpersonen en lopende afspraken bij", role: "owner", dueSchoolDays: 15 },
    { title: "Bespreek de relatie in het regio-overleg", role: "coordinator", dueSchoolDays: 20 },
  ],
  new_owner: [
    { title: "Lees de geschiedenis van de relatie door", role: "owner", dueSchoolDays: 2 },
    { title: "Stel je voor aan de contactpersoon", role: "owner", dueSchoolDays: 5 },
    { title: "Plan een kennismakingsbezoek", role: "owner", dueSchoolDays: 15 },
    { title: "Laat de coördinator weten dat de overdracht rond is", role: "coordinator", dueSchoolDays: 20 },
  ],
  new_partner: [
    { title: "Leg de contactpersonen en de eerste afspraken vast", role: "owner", dueSchoolDays: 3 },
    { title: "Stuur een welkomstmail met wat de regio doet", role: "owner", dueSchoolDays: 5 },
    { title: "Plan een eerste activiteit: gastles, bedrijfsbezoek of stage", role: "owner", dueSchoolDays: 20 },
    { title: "Registreer de samenwerking voor de verantwoording", role: "penvoerder", dueSchoolDays: 20 },
  ],
  relationship_cold: [
    { title: "Neem contact op en leg het contactmoment vast", role: "owner", dueSchoolDays: 3 },
    { title: "Zoek een tweede contactpersoon", role: "owner", dueSchoolDays: 10 },
    { title: "Bespreek met de coördinator of de relatie nog past", role: "coordinator", dueSchoolDays: 15 },
  ],
};

/** A new region's plan templates: the defaults above. */
export async function insertDefaultPlanTemplates(db: Database, regionId: string, now: Date) {
  for (const [event, steps] of Object.entries(DEFAULT_PLAN_TEMPLATES) as Array<[PlanEvent, (typeof DEFAULT_PLAN_TEMPLATES)[PlanEvent]]>) {
    const template = await db.insertInto("plan_templates").values({ region_id: regionId, event, updated_at: now })
      .onConflict((oc) => oc.columns(["region_id", "event"]).doNothing()).returning("id").executeTakeFirst();
    if (!template) continue;
    await db.insertInto("plan_template_steps")
      .values(steps.map((step, index) => ({
        region_id: regionId, template_id: template.id, position: index + 1, title: step.title, role: step.role, due_school_days: step.dueSchoolDays,
      })))
      .execute();
  }
}
