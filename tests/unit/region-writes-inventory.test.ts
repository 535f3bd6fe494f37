import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findWriteStatements } from "../support/write-statements";

/**
 * The class test of issue 14, item 2, part one: every statement under server/ that updates or
 * deletes rows (found in the code by tests/support/write-statements.ts, not kept by hand) is named
 * here, keyed by file, enclosing declaration and table, as either covered by a test that runs it as
 * region B against region A's data (tests/integration/cross-region-writes.test.ts) or region-safe
 * for a stated reason. A new write fails this test until someone names it; a second write of the
 * same kind in the same function gets its own "#2" key. Writes that run as the owner role (jobs,
 * the CLI) pass row-level security (decision 073): a reason must hold without it.
 */
const CROSS_REGION_TEST = "tests/integration/cross-region-writes.test.ts";

const ERASURE = "erasing a person in region B changes nothing in region A";
const HEALTH = "recomputing region B's health changes nothing in region A";
const PEOPLE_MERGE = "merging two people in region B changes nothing in region A";
const ORGANISATION_MERGE = "merging two organisations in region B changes nothing in region A";
const IMPORT = "staging and committing an import in region B that names region A's organisations and contacts changes nothing in region A";
const HANDOVER = "handing over a region-B account holder's organisations changes nothing in region A";
const DEACTIVATE = "deactivating a region-B user changes nothing in region A";
const JOBS = "the digest and delivery jobs doing region B's work change nothing in region A";

const USER = "one user's row or rows keyed by that user's id (found by session, token or a region-scoped lookup); users are never matched by name or text";
const OWN_ROW = "one row by id (or the region's own key) with `region_id = scope.regionId` in the same statement";
const CHILD = "rows keyed by the id of a parent the same function first read in the caller's region (getX(db, scope, id) or a region-scoped select), so they cannot be another region's";

type Entry = { covered: string } | { safe: string };

const INVENTORY: Record<string, Entry> = {
  "server/auth/oidc-settings.ts › saveOidcProvider › update oidc_providers": { safe: OWN_ROW },
  "server/auth/oidc-settings.ts › saveOidcProvider › delete oidc_domains": { safe: OWN_ROW },
  "server/auth/oidc-settings.ts › removeOidcProvider › delete oidc_sign_in_states": { safe: OWN_ROW },
  "server/auth/oidc-settings.ts › removeOidcProvider › delete oidc_domains": { safe: OWN_ROW },
  "server/auth/oidc-settings.ts › removeOidcProvider › delete oidc_providers": { safe: OWN_ROW },
  "server/auth/oidc-sign-in.ts › startOidcSignIn › delete oidc_sign_in_states": { safe: "the expired sign-in states of the one region whose provider is being started (`region_id` in the statement)" },
  "server/auth/oidc-sign-in.ts › completeOidcSignIn › delete oidc_sign_in_states": { safe: "one sign-in state by the hash of the random state this browser holds; it names its region, which everything after it follows" },
  "server/auth/oidc-sign-in.ts › completeOidcSignIn › delete user_identities": { safe: USER },
  "server/auth/oidc-sign-in.ts › completeOidcSignIn › update user_identities": { safe: "one identity by its issuer and subject, with `region_id` of the provider's region in the statement" },
  "server/auth/api-tokens.ts › revokeApiToken › update api_tokens": { safe: USER },
  "server/auth/api-tokens.ts › authenticateApiToken › update api_tokens": { safe: USER },
  "server/auth/api-tokens.ts › revokeAllApiTokens › update api_tokens": { safe: USER },
  "server/auth/rate-limit.ts › takeToken › upsert -": { safe: "one bucket by its key (a hash of the account, address or token being limited); buckets hold no region data" },
  "server/auth/secret-key-check.ts › adoptSecretKey › delete secret_key_check": { safe: "the one row naming the database's SCHAKEL_SECRET_KEY (decision 152), replaced from the command line; it holds no region data" },
  "server/auth/rate-limit.ts › pruneSignInAttempts › delete sign_in_attempts": { safe: "attempts of every account older than the longest limit's look back; they hold no region data and change no wait" },
  "server/auth/rate-limit.ts › pruneRateLimitBuckets › delete rate_limit_buckets": { safe: "full buckets left idle of every region: a pruned bucket starts full again, as if it had been kept" },
  "server/auth/second-factor-lockout.ts › secondFactorLockedUntil › upsert -": { safe: USER },
  "server/auth/second-factor-lockout.ts › recordSecondFactorFailure › upsert -": { safe: USER },
  "server/auth/second-factor-lockout.ts › recordSecondFactorFailure › update second_factor_failures": { safe: USER },
  "server/auth/second-factor-lockout.ts › clearSecondFactorFailures › delete second_factor_failures": { safe: USER },
  "server/auth/two-factor.ts › completeChallenge › delete two_factor_challenges #4": { safe: USER },
  "server/auth/sign-in-links.ts › sendRequestedSignInLinks › delete sign_in_link_requests": { safe: "takes queued sign-in link requests (an email address each, no region) off the queue; each is answered by a lookup of that one active partner user by email" },
  "server/auth/sign-in-links.ts › spendSignInLink › update user_tokens": { safe: "one link found by the hash of its 256-bit token; it names its own user" },
  "server/auth/sign-in-links.ts › spendSignInLink › update user_tokens #2": { safe: USER },
  "server/auth/sign-in-links.ts › spendSignInLink › update users": { safe: USER },
  "server/domains/users/users.service.ts › sendRequestedPasswordResets › delete password_reset_requests": { safe: "takes queued reset requests (an email address each, no region) off the queue; each is answered by a lookup of that one active user by email" },
  "server/auth/sessions.ts › createSessions › delete sessions": { safe: USER },
  "server/auth/sessions.ts › createSessions › update sessions": { safe: USER },
  "server/auth/sessions.ts › createSessions › delete sessions #2": { safe: USER },
  "server/auth/sessions.ts › createSessions › delete sessions #3": { safe: USER },
  "server/auth/sessions.ts › createSessions › delete sessions #4": { safe: "expired sessions of every region: they no longer sign anyone in, so removing them is housekeeping that changes no region's data" },
  "server/auth/two-factor.ts › encryptPlaintextTotpSecrets › update users": { safe: "each user's own row by id, replacing its plaintext TOTP secret by the same secret encrypted (at start-up, before any request)" },
  "server/auth/sessions.ts › endOtherSessions › delete sessions": { safe: USER },
  "server/auth/sessions.ts › endSession › delete sessions": { safe: USER },
  "server/auth/two-factor.ts › enrollmentSecret › update users": { safe: USER },
  "server/auth/two-factor.ts › replaceRecoveryCodes › delete user_recovery_codes": { safe: USER },
  "server/auth/two-factor.ts › confirmEnrollment › update users": { safe: USER },
  "server/auth/two-factor.ts › disableTwoFactor › update users": { safe: USER },
  "server/auth/two-factor.ts › disableTwoFactor › delete user_recovery_codes": { safe: USER },
  "server/auth/two-factor.ts › checkSecondFactor › update users": { safe: USER },
  "server/auth/two-factor.ts › checkSecondFactor › update user_recovery_codes": { safe: USER },
  "server/auth/two-factor.ts › createChallenge › delete two_factor_challenges": { safe: USER },
  "server/auth/two-factor.ts › completeChallenge › delete two_factor_challenges": { safe: USER },
  "server/auth/two-factor.ts › completeChallenge › delete two_factor_challenges #2": { safe: USER },
  "server/auth/two-factor.ts › completeChallenge › delete two_factor_challenges #3": { safe: USER },
  "server/auth/two-factor.ts › completeChallenge › update two_factor_challenges": { safe: USER },
  "server/auth/two-factor.ts › setRegionTwoFactorRequirement › update regions": { safe: USER },
  "server/domains/mail-capture/mail-capture.addresses.ts › regenerateLoggingAddress › update mail_logging_addresses": { safe: USER },
  "server/domains/mail-capture/mail-capture.addresses.ts › addSenderAddress › upsert (insert's table)": { safe: "upsert keyed by (user_id, email) with the caller's own user and region in the inserted row" },
  "server/domains/mail-capture/mail-capture.addresses.ts › confirmSenderAddress › update mail_sender_addresses": { safe: "one row found by the hash of the 256-bit token mailed to that address; it names its own user and region" },
  "server/domains/mail-capture/mail-capture.addresses.ts › removeSenderAddress › delete mail_sender_addresses": { safe: USER },
  "server/domains/mail-capture/mail-capture.service.ts › archiveMeetingMoments › update inbound_messages": { safe: "rows by ids the same function read with `region_id = scope.regionId`, and region_id in the statement too" },
  "server/domains/mail-capture/mail-capture.service.ts › archiveMeetingMoments › update interactions": { safe: "`region_id = scope.regionId` in the statement, ids from the region's own inbound_message_interactions" },
  "server/domains/mail-capture/mail-capture.service.ts › cancelMeeting › update inbound_messages": { safe: OWN_ROW },
  "server/domains/mail-capture/mail-capture.service.ts › linkInboxItem › update inbound_messages": { safe: OWN_ROW },
  "server/domains/mail-capture/mail-capture.service.ts › discardInboxItem › update inbound_messages": { safe: OWN_ROW },
  "server/domains/mail-capture/mail-capture.service.ts › pruneInbox › delete inbound_messages": { safe: "the nightly job deletes unlinked and discarded mail older than 30 days of every region, by age and status alone: the rule is the same in every region, and no logged mail is touched" },
  "server/domains/mail-capture/mail-capture.settings.ts › setMailRetention › upsert (insert's table)": { safe: "upsert keyed by region_id with the caller's region in the inserted row" },
  "server/domains/mail-capture/mail-capture.settings.ts › issueInboundSecret › upsert (insert's table)": { safe: "upsert keyed by region_id with the region in the inserted row: the caller's (rotateInboundSecret, admins) or the one the command line names by slug" },
  "server/domains/mail-capture/mail-capture.settings.ts › removeNeverLog › delete mail_never_log": { safe: OWN_ROW },
  "server/domains/mail-capture/mail-capture.settings.ts › countDropped › update mail_never_log": { safe: "rows by ids of a region-scoped select, with `region_id` of the logging address's owner in the statement" },
  "server/domains/interactions/interactions.service.ts › updateInteraction › update interactions": { safe: OWN_ROW },
  "server/domains/interactions/interactions.service.ts › updateInteraction › delete interaction_people": { safe: CHILD },
  "server/domains/interactions/interactions.service.ts › archiveInteraction › update interactions": { safe: OWN_ROW },
  "server/domains/saved-views/saved-views.service.ts › updateSavedView › update saved_views": { safe: OWN_ROW },
  "server/domains/saved-views/saved-views.service.ts › archiveSavedView › update saved_views": { safe: OWN_ROW },
  "server/domains/activities/activities.service.ts › linkOrganisations › delete activity_organisations": { safe: CHILD },
  "server/domains/activities/activities.service.ts › updateActivity › update activities": { safe: OWN_ROW },
  "server/domains/activities/activities.service.ts › archiveActivity › update activities": { safe: OWN_ROW },
  "server/domains/agreements/agreements.service.ts › updateAgreement › update agreements": { safe: OWN_ROW },
  "server/domains/agreements/agreements.service.ts › updateAgreement › delete agreement_parties": { safe: CHILD },
  "server/domains/agreements/agreements.service.ts › archiveAgreement › update agreements": { safe: OWN_ROW },
  "server/domains/backup/backup.service.ts › restoreDatabase › truncate ?": { safe: "restores a whole backup over the whole instance by design: the CLI's operator command, never reachable by a region's user" },
  "server/domains/budgets/budgets.service.ts › setSchoolYearBudget › update school_year_budgets": { safe: OWN_ROW },
  "server/domains/commitments/commitments.service.ts › updateCommitment › update commitments": { safe: OWN_ROW },
  "server/domains/commitments/commitments.service.ts › addRealisation › update commitments": { safe: CHILD },
  "server/domains/commitments/commitments.service.ts › archiveCommitment › update commitments": { safe: OWN_ROW },
  "server/domains/commitments/commitments.service.ts › confirmCommitment › update commitments": { safe: OWN_ROW },
  "server/domains/commitments/commitments.service.ts › archiveRealisation › update commitment_realisations": { safe: OWN_ROW },
  "server/domains/commitments/commitments.service.ts › archiveRealisation › update commitments": { safe: CHILD },
  "server/domains/in-kind/in-kind.rates.ts › updateInKindRates › upsert (insert's table)": { safe: "upsert keyed by (region_id, activity_type) with the caller's region_id in the inserted row" },
  "server/domains/in-kind/in-kind.service.ts › undoInKindRejection › delete in_kind_rejections": { safe: OWN_ROW },
  "server/domains/digest/digest.service.ts › queueWeeklyDigests › update digest_runs": { covered: JOBS },
  "server/domains/digest/digest.service.ts › updateDigestPreferences › update users": { safe: USER },
  "server/domains/email/delivery.ts › deliverDueEmails › update email_outbox": { covered: JOBS },
  "server/domains/email/delivery.ts › deliverDueEmails › update email_outbox #2": { covered: JOBS },
  "server/domains/feeds/feeds.service.ts › revokeFeed › update calendar_feeds": { safe: CHILD },
  "server/domains/handover/handover.service.ts › handOverOrganisations › update organisations": { covered: HANDOVER },
  "server/domains/handover/handover.service.ts › handOverOrganisations › update tasks": { covered: HANDOVER },
  "server/domains/health/health.compute.ts › computeHealth › delete organisation_health": { covered: HEALTH },
  "server/domains/health/health.compute.ts › computeHealth › upsert -": { covered: HEALTH },
  "server/domains/health/health.compute.ts › recountRegions › upsert -": { covered: HEALTH },
  "server/domains/health/health.recheck.ts › saveRecheckDates › update organisation_health": { covered: HEALTH },
  "server/domains/health/health.service.ts › snoozeOrganisation › update health_snoozes": { safe: CHILD },
  "server/domains/health/health.service.ts › endSnooze › update health_snoozes": { safe: CHILD },
  "server/domains/health/health.service.ts › updateHealthSettings › update region_health_settings": { safe: OWN_ROW },
  "server/domains/health/health.service.ts › removeHoliday › delete school_holidays": { safe: OWN_ROW },
  "server/domains/leads/leads.service.ts › close › update leads": { safe: OWN_ROW },
  "server/domains/mail-capture/mail-capture.job-changes.ts › decide › update job_change_suggestions": { safe: OWN_ROW },
  "server/domains/mail-capture/mail-capture.job-changes.ts › suggestJobChanges › regexp_replace -": { safe: "a read: regexp_replace normalises a person's name for comparison in a select limited to `p.region_id` of the message's owner" },
  "server/domains/imports/imports.service.ts › writeImport › update organisations": { covered: IMPORT },
  "server/domains/imports/imports.service.ts › stageImport › delete imports": { covered: IMPORT },
  "server/domains/imports/imports.service.ts › recoverInterruptedCommit › update imports": { safe: OWN_ROW },
  "server/domains/imports/imports.service.ts › setImportMapping › update imports": { safe: OWN_ROW },
  "server/domains/imports/imports.service.ts › commitImport › update imports": { covered: IMPORT },
  "server/domains/imports/imports.service.ts › commitImport › update imports #2": { covered: IMPORT },
  "server/domains/imports/imports.service.ts › commitImport › update imports #3": { covered: IMPORT },
  "server/domains/imports/imports.service.ts › commitImport › update imports #4": { covered: IMPORT },
  "server/domains/imports/imports.service.ts › finishImport › update imports": { covered: IMPORT },
  "server/domains/imports/imports.service.ts › importOrganisations › update imports": { covered: IMPORT },
  "server/domains/organisations/organisations.service.ts › changeAccountHolder › update account_holder_periods": { covered: HANDOVER },
  "server/domains/organisations/organisations.service.ts › updateOrganisation › update organisations": { safe: OWN_ROW },
  "server/domains/organisations/organisations.service.ts › archiveOrganisation › update organisations": { safe: OWN_ROW },
  "server/domains/organisations/organisations.service.ts › restoreOrganisation › update organisations": { safe: OWN_ROW },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › update affiliations": { covered: ORGANISATION_MERGE },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › update affiliations #2": { covered: ORGANISATION_MERGE },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › update interactions": { covered: ORGANISATION_MERGE },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › update tasks": { covered: ORGANISATION_MERGE },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › update account_holder_periods": { covered: ORGANISATION_MERGE },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › update account_holder_periods #2": { covered: ORGANISATION_MERGE },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › update users": { covered: ORGANISATION_MERGE },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › delete activity_organisations": { covered: ORGANISATION_MERGE },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › update activity_organisations": { covered: ORGANISATION_MERGE },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › update organisations": { covered: ORGANISATION_MERGE },
  "server/domains/organisations/organisations.service.ts › mergeOrganisations › update organisations #2": { covered: ORGANISATION_MERGE },
  "server/domains/people/people.merge.ts › mergePeople › update affiliations": { covered: PEOPLE_MERGE },
  "server/domains/people/people.merge.ts › mergePeople › update affiliations #2": { covered: PEOPLE_MERGE },
  "server/domains/people/people.merge.ts › mergePeople › update affiliations #3": { covered: PEOPLE_MERGE },
  "server/domains/people/people.merge.ts › mergePeople › delete interaction_people": { covered: PEOPLE_MERGE },
  "server/domains/people/people.merge.ts › mergePeople › update people": { covered: PEOPLE_MERGE },
  "server/domains/people/people.merge.ts › mergePeople › update people #2": { covered: PEOPLE_MERGE },
  "server/domains/people/people.service.ts › updatePerson › update people": { safe: OWN_ROW },
  "server/domains/people/people.service.ts › archivePerson › update people": { safe: OWN_ROW },
  "server/domains/people/people.service.ts › restorePerson › update people": { safe: OWN_ROW },
  "server/domains/people/people.service.ts › addAffiliation › update affiliations": { safe: OWN_ROW },
  "server/domains/people/people.service.ts › endAffiliation › update affiliations": { safe: OWN_ROW },
  "server/domains/people/people.service.ts › takeOverJob › update affiliations": { safe: CHILD },
  "server/domains/people/people.service.ts › takeOverJob › update affiliations #2": { safe: CHILD },
  "server/domains/portal/portal.service.ts › withdrawOffer › update activities": { safe: OWN_ROW },
  "server/domains/privacy/privacy.service.ts › redactRows › regexp_replace -": { covered: ERASURE },
  "server/domains/privacy/privacy.service.ts › redactRows › regexp_replace - #2": { covered: ERASURE },
  "server/domains/privacy/privacy.service.ts › redactRows › regexp_replace - #3": { covered: ERASURE },
  "server/domains/privacy/privacy.service.ts › redactRows › update ?": { covered: ERASURE },
  "server/domains/privacy/privacy.service.ts › erasePerson › update people": { covered: ERASURE },
  "server/domains/privacy/privacy.service.ts › erasePerson › update email_outbox": { covered: ERASURE },
  "server/domains/privacy/privacy.service.ts › erasePerson › update email_outbox #2": { covered: ERASURE },
  "server/domains/privacy/privacy.service.ts › erasePerson › regexp_replace -": { covered: ERASURE },
  "server/domains/privacy/privacy.service.ts › erasePerson › delete audit_log": { covered: ERASURE },
  "server/domains/privacy/privacy.service.ts › erasePerson › delete job_change_suggestions": { covered: ERASURE },
  "server/domains/privacy/privacy.service.ts › setRegionRetention › update regions": { safe: "where id = the caller's own region" },
  "server/auth/partner-work.ts › setPartnerWorkRule › update regions": { safe: "where id = the caller's own region" },
  "server/domains/regions/getting-started.ts › dismissGettingStarted › update regions": { safe: "where id = the caller's own region" },
  "server/domains/setup/setup.service.ts › prepareSetupToken › upsert (insert's table)": { safe: "instance_settings is global (GLOBAL_TABLES): the one-time setup token, before any region exists" },
  "server/domains/setup/setup.service.ts › completeSetup › delete instance_settings": { safe: "instance_settings is global (GLOBAL_TABLES): the one-time setup token, before any region exists" },
  "server/domains/tasks/tasks.service.ts › updateTaskStatus › update tasks": { safe: OWN_ROW },
  "server/domains/plans/plans.service.ts › updatePlanTemplate › update plan_templates": { safe: OWN_ROW },
  "server/domains/plans/plans.service.ts › updatePlanTemplate › delete plan_template_steps": { safe: "the steps of one template found in the caller's region, with `region_id = scope.regionId` in the statement" },
  "server/domains/plans/plans.service.ts › settlePlan › update plans": { safe: "one plan by id with `region_id` of the task's region (the caller's scope) in the statement" },
  "server/domains/plans/plans.service.ts › settlePlan › update plans #2": { safe: "one plan by id with `region_id` of the task's region (the caller's scope) in the statement" },
  "server/domains/plans/plans.service.ts › endPlansOfRecovered › update plans": { safe: "the running plans of organisations the recompute found healthy again, grouped by the region each change names, with that `region_id` in the statement" },
  "server/domains/plans/plans.service.ts › endPlansOfRecovered › update tasks": { safe: "the open tasks of one plan just ended, by its id, with its `region_id` in the statement" },
  "server/domains/users/users.service.ts › createUserToken › update user_tokens": { safe: USER },
  "server/domains/users/users.service.ts › setPasswordWithToken › update user_tokens": { safe: USER },
  "server/domains/users/users.service.ts › setPasswordWithToken › update users": { safe: USER },
  "server/domains/users/users.service.ts › setPasswordWithToken › delete sessions": { safe: USER },
  "server/domains/users/users.service.ts › changePassword › update users": { safe: USER },
  "server/domains/users/users.service.ts › changeUserRole › update users": { safe: USER },
  "server/domains/users/users.service.ts › deactivateUser › update users": { covered: DEACTIVATE },
  "server/domains/users/users.service.ts › deactivateUser › delete sessions": { covered: DEACTIVATE },
  "server/domains/users/users.service.ts › setUserLocale › update users": { safe: USER },
};

describe("every write that can touch another region's rows is named", () => {
  const root = path.resolve(".");
  const statements = findWriteStatements(root);

  it("finds the writes it is meant to find (the scanner is not blind)", () => {
    const keys = statements.map((s) => s.key);
    expect(keys).toContain("server/domains/privacy/privacy.service.ts › redactRows › update ?");
    expect(keys).toContain("server/domains/handover/handover.service.ts › handOverOrganisations › update tasks");
    expect(keys).toContain("server/domains/health/health.compute.ts › computeHealth › delete organisation_health");
    expect(keys).toContain("server/domains/organisations/organisations.service.ts › mergeOrganisations › delete activity_organisations");
  });

  it("names every update and delete under server/ as covered by a cross-region test or region-safe with a reason", () => {
    const unnamed = statements.filter((s) => !(s.key in INVENTORY)).map((s) => `${s.key} (line ${s.line})`);
    expect(unnamed, "new writes: add each to INVENTORY, covered by a test in " + CROSS_REGION_TEST + " or safe with a reason").toEqual([]);
  });

  it("names no write that is no longer in the code", () => {
    const keys = new Set(statements.map((s) => s.key));
    expect(Object.keys(INVENTORY).filter((key) => !keys.has(key))).toEqual([]);
  });

  it("points each covered write at a test that exists, and gives each safe write a reason", () => {
    const source = readFileSync(path.join(root, CROSS_REGION_TEST), "utf8");
    for (const [key, entry] of Object.entries(INVENTORY)) {
      if ("covered" in entry) expect(source.includes(`it(${JSON.stringify(entry.covered)}`), `${key}: no test named "${entry.covered}"`).toBe(true);
      else expect(entry.safe.length, key).toBeGreaterThan(10);
    }
  });
});
