import type { ExpressionBuilder } from "kysely";
import type { DB } from "../../../db/schema";

/**
 * The name of the organisation a person works at now (their primary job first), as a column of a
 * query on `people`: how lists and search results say where someone is.
 */
export function currentOrganisationName(eb: ExpressionBuilder<DB, "people">) {
  return eb
    .selectFrom("affiliations")
    .innerJoin("organisations", "organisations.id", "affiliations.organisation_id")
    .select("organisations.name")
    .whereRef("affiliations.person_id", "=", "people.id")
    .where("affiliations.end_date", "is", null)
    // The same order as the people list's sort by organisation (people.list.ts), to the last key,
    // so the name shown is the name sorted on and a page boundary never falls between two answers.
    .orderBy("affiliations.is_primary", "desc")
    .orderBy("affiliations.start_date", "desc")
    .orderBy("affiliations.id")
    .limit(1)
    .as("organisationName");
}
