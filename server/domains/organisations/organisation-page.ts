import { sql } from "kysely";
import { jsonArrayFrom, jsonObjectFrom } from "kysely/helpers/postgres";
import type { Locale } from "../../../db/schema";
import type { Scope } from "../../auth/current-user";
import { mayWorkRecord, partnerWorkRuleQuery } from "../../auth/partner-work";
import type { Database } from "../../db/database";
import { notFound } from "../../errors";
import { organisationActivitiesQuery, toActivity } from "../activities/activities.service";
import { organisationAgreementsOf, organisationAgreementsQuery } from "../agreements/agreements.service";
import { historyPageOf, historyQuery } from "../audit/history";
import { assertStaff, healthSnoozeQuery, organisationHealthHistoryQuery, organisationHealthQuery, toOrganisationHealth } from "../health/health.service";
import { timelineQuery, toTimelineItem, type TimelineRow } from "../interactions/interactions.service";
import { partnerUsersQuery, toPartnerUser } from "../partner-users/partner-users.service";
import { organisationContactsQuery } from "../people/people.service";
import { organisationPlansQuery, toPlan } from "../plans/plans.service";
import { subregionsQuery } from "../regions/regions.service";
import { assignableUsersQuery } from "../users/users.service";
import { accountHolderHistoryQuery, columns, type Organisation, toAccountHolderPeriod, visibleOrganisations } from "./organisations.service";

/** How much of each list the page shows: the same as the functions the API calls. */
const TIMELINE_LIMIT = 50;
const HISTORY_LIMIT = 25;

/**
 * Everything the organisation's page shows (issue 19, item 3; decision 145), in one statement: the
 * organisation, read as getOrganisation reads it (so an organisation the caller may not see is a 404
 * here as there), with each section's list beside it as JSON. Each section is the query its own
 * function runs (getTimeline, listOrganisationContacts, … — the API's), nested with jsonArrayFrom,
 * and its rows go through the same mapper, which turns JSON's text timestamps back into Dates. Only
 * the history's names are read after it (historyPageOf: the ids are in the entries). The page used
 * to send some twenty statements, each a round trip with its own region-scope statement.
 */
export async function readOrganisationPage(db: Database, scope: Scope, organisationId: string, opts: { locale: Locale; today: string; historyCursor?: string | undefined }) {
  // Health and plans are for staff (their functions refuse a partner the same way); the page asks region.read first anyway.
  assertStaff(scope);
  const { regionId } = scope;
  const row = await visibleOrganisations(db, scope)
    .select(columns)
    .select([
      sql<Array<Omit<TimelineRow, "at"> & { at: string | null }>>`(select coalesce(json_agg(t), '[]'::json) from (${timelineQuery(scope, organisationId, TIMELINE_LIMIT)}) t)`.as("timeline"),
      jsonArrayFrom(organisationContactsQuery(db, regionId, organisationId)).as("contacts"),
      jsonArrayFrom(accountHolderHistoryQuery(db, regionId, organisationId)).as("accountHolderHistory"),
      jsonArrayFrom(subregionsQuery(db, regionId)).as("subregions"),
      jsonArrayFrom(assignableUsersQuery(db, regionId)).as("accountHolders"),
      jsonObjectFrom(organisationHealthQuery(db, organisationId)).as("health"),
      jsonObjectFrom(healthSnoozeQuery(db, organisationId, opts.today)).as("snooze"),
      jsonArrayFrom(organisationHealthHistoryQuery(db, organisationId)).as("healthHistory"),
      jsonArrayFrom(historyQuery(db, regionId, { type: "organisation", id: organisationId }, { limit: HISTORY_LIMIT, cursor: opts.historyCursor })).as("changes"),
      jsonArrayFrom(organisationActivitiesQuery(db, scope, organisationId)).as("activities"),
      jsonArrayFrom(partnerUsersQuery(db, organisationId)).as("partnerUsers"),
      jsonArrayFrom(organisationAgreementsQuery(db, scope, organisationId)).as("agreements"),
      jsonArrayFrom(organisationPlansQuery(db, regionId, organisationId)).as("plans"),
      partnerWorkRuleQuery(db, regionId).as("staffWorkEveryPartner"),
    ])
    .where("organisations.id", "=", organisationId)
    .executeTakeFirst();
  if (!row) throw notFound("Organisation");
  const { timeline, contacts, accountHolderHistory, subregions, accountHolders, health, snooze, healthHistory, changes, activities, partnerUsers, agreements, plans, staffWorkEveryPartner, ...columnsRead } = row;
  const organisation: Organisation = columnsRead;
  return {
    organisation,
    timeline: timeline.map((item) => toTimelineItem(item, scope)),
    contacts,
    accountHolderHistory: accountHolderHistory.map(toAccountHolderPeriod),
    subregions,
    accountHolders,
    health: toOrganisationHealth(organisation.id, health, snooze, opts),
    healthHistory,
    changes: await historyPageOf(db, regionId, changes, HISTORY_LIMIT),
    activities: activities.map(toActivity),
    partnerUsers: partnerUsers.map(toPartnerUser),
    agreements: organisationAgreementsOf(agreements),
    plans: plans.map(toPlan),
    // What mayWorkOrganisations decides for this one organisation, from the owner and the rule read here.
    canWork: mayWorkRecord(scope, { kind: "organisation", accountHolderIds: [organisation.accountHolderId], rule: { everyStaffMember: staffWorkEveryPartner ?? false } }),
  };
}
