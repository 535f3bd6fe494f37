/**
 * The server functions Remix routes call, in one `.server` module: Remix leaves `.server` files
 * out of the browser build, so nothing here (argon2, postgres, nodemailer) reaches a browser.
 * Routes import zod schemas (`*.schemas.ts`, browser-safe) directly and everything else from here.
 */
export { changeMetaOf, runChange, runSystemChange } from "../server/change";
export { listApiTokens, mintApiToken, revokeAllApiTokens, revokeApiToken } from "../server/auth/api-tokens";
export { signIn } from "../server/auth/sign-in";
export { findSignInLink, requestSignInLink, signInWithLink } from "../server/auth/sign-in-links";
export { limitConfirmationMail, limitCurrentPasswordCheck, limitEnrolmentCodeCheck, limitLinkTokenCheck } from "../server/auth/rate-limit";
export { endOtherSessions, endSession, listSessions } from "../server/auth/sessions";
export { erasePerson, exportPerson, regionRetention, setRegionRetention, type PersonExport } from "../server/domains/privacy/privacy.service";
export {
  completeChallenge,
  confirmEnrollment,
  disableTwoFactor,
  enrollmentSecret,
  regenerateRecoveryCodes,
  regionTwoFactorRequirement,
  setRegionTwoFactorRequirement,
  twoFactorStatus,
} from "../server/auth/two-factor";
export { findOutboxEmail, listOutbox } from "../server/domains/email/outbox.service";
export {
  archiveOrganisation,
  createOrganisation,
  getOrganisation,
  listAccountHolderHistory,
  listMergeCandidates,
  listOrganisations,
  mergeOrganisations,
  restoreOrganisation,
  updateOrganisation,
} from "../server/domains/organisations/organisations.service";
export { addAffiliation, addContact, createPerson, endAffiliation, getPerson, listCurrentContacts, listOrganisationContacts, moveToOrganisation } from "../server/domains/people/people.service";
export { listPeople } from "../server/domains/people/people.list";
export { archivePerson, restorePerson, updatePerson } from "../server/domains/people/people.service";
export { findMergeCandidates, mergePeople } from "../server/domains/people/people.merge";
export { startNewJob } from "../server/domains/people/people.jobs";
export { listHistory } from "../server/domains/audit/history";
export { EXPORT_CONTENT_TYPES, exportOrganisations } from "../server/domains/organisations/organisations.export";
export { activityChoices, archiveActivity, createActivity, getActivity, listActivities, listOrganisationActivities, updateActivity , listSharedActivities } from "../server/domains/activities/activities.service";
export { readImportStream, MAX_IMPORT_BYTES } from "../server/domains/imports/imports.parse";
export { IMPORT_RETRY_AFTER_SECONDS, withImportSlot } from "../server/domains/imports/imports.gate";
export { guessMapping } from "../server/domains/imports/imports.mapping";
export {
  commitImport,
  describeRows,
  getImport,
  getImportSample,
  importProgress,
  previewImport,
  setImportMapping,
  stageImport,
} from "../server/domains/imports/imports.service";
export { archiveInteraction, getInteraction, getTimeline, logInteraction, organisationsToLog, updateInteraction } from "../server/domains/interactions/interactions.service";
export { completeTask, listMyTasks } from "../server/domains/tasks/tasks.service";
export { countOffersAwaiting, listOffersAwaiting, listOwnActivitiesBetween } from "../server/domains/activities/activities.owned";
export { searchEverything } from "../server/domains/search/search.service";
export {
  addHoliday,
  getHealthSettings,
  getOrganisationHealth,
  healthCounts,
  healthStatesOf,
  holdsRelationships,
  listHealth,
  organisationHealthHistory,
  regionHealthTrend,
  removeHoliday,
  snoozeOrganisation,
  endSnooze,
  updateHealthSettings,
} from "../server/domains/health/health.service";
export { listUpcoming } from "../server/domains/health/health.forecast";
export { healthRollups, NO_GROUP } from "../server/domains/health/health.rollups";
export { convertLead, dismissLead, listLeads } from "../server/domains/leads/leads.service";
export { getRegion, listSubregions } from "../server/domains/regions/regions.service";
export { dismissGettingStarted, gettingStarted, type GettingStarted } from "../server/domains/regions/getting-started";
export { completeSetup, isSetupTokenValid } from "../server/domains/setup/setup.service";
export {
  changePassword,
  changeUserRole,
  createUser,
  deactivateUser,
  findUserByToken,
  listAssignableUsers,
  listUsers,
  mayJoinWithoutPassword,
  requestPasswordReset,
  setPasswordWithToken,
  setUserLocale,
} from "../server/domains/users/users.service";
export { countOwnedOrganisations, getHandover, handOverOrganisations } from "../server/domains/handover/handover.service";
export { getDigestPreferences, updateDigestPreferences } from "../server/domains/digest/digest.service";
export {
  addRealisation,
  archiveCommitment,
  commitmentTotals,
  confirmCommitment,
  createCommitment,
  getCommitmentWithRealisations,
  listCommitmentPartners,
  listCommitments,
  listOrganisationsWithCommitments,
  updateCommitment,
} from "../server/domains/commitments/commitments.service";
export { listSchoolYearBudgets, setSchoolYearBudget } from "../server/domains/budgets/budgets.service";
export { cofinancingOverview, cofinancingYears } from "../server/domains/cofinancing/cofinancing.service";
export { MAX_DOCUMENT_BYTES } from "../server/domains/documents/documents.service";
export {
  addColleague,
  assertAffiliationOfOwnOrganisation,
  assertPartnerSuccessor,
  offerActivity,
  offerChoices,
  PARTNER_ORGANISATION_FIELDS,
  portalActivities,
  withdrawOffer,
} from "../server/domains/portal/portal.service";
export { contributionStatement, schoolYearFigures, schoolYearRecords, schoolYearWindow } from "../server/domains/reports/reports.service";
export { reportCsv, reportFileResponse, reportPdf, reportXlsx, statementPdf } from "../server/domains/reports/reports.formats";
export { scopeOf } from "../server/auth/current-user";
export { toLocalDate } from "../server/clock";
export { invitePartnerUser, listPartnerUsers } from "../server/domains/partner-users/partner-users.service";
export { createFeed, getFeedStatus, revokeFeed } from "../server/domains/feeds/feeds.service";
// Email capture on the profile: the logging address, further sender addresses, the user's never-log list.
export {
  addSenderAddress,
  confirmSenderAddress,
  findSenderAddressConfirmation,
  listSenderAddresses,
  loggingAddressOf,
  regenerateLoggingAddress,
  removeSenderAddress,
} from "../server/domains/mail-capture/mail-capture.addresses";
export { schoolYearEnd, schoolYearOf, schoolYearRange, schoolYearStart } from "../calendar/school-year";
export { AppError } from "../server/errors";
export { parseInput, translateFields, validationFailed } from "../server/validation";
export { confirmInKindProposal, inKindCountOf, listInKindProposals, listInKindRejections, rejectInKindProposal, undoInKindRejection } from "../server/domains/in-kind/in-kind.service";
export { listInKindRates, updateInKindRates } from "../server/domains/in-kind/in-kind.rates";
export {
  archiveAgreement,
  createAgreement,
  getAgreement,
  listAgreementOwners,
  listAgreements,
  listOrganisationAgreements,
  updateAgreement,
} from "../server/domains/agreements/agreements.service";
export { countInbox, discardInboxItem, getInboxItem, linkInboxItem, listInbox, suggestOrganisationsFor } from "../server/domains/mail-capture/mail-capture.service";
export {
  addNeverLog,
  getMailCaptureSettings,
  listNeverLog,
  removeNeverLog,
  rotateInboundSecret,
  setMailRetention,
} from "../server/domains/mail-capture/mail-capture.settings";
export { ACTIONS, can, userCan, type Action } from "../server/auth/permissions";
export { mayWorkOrganisations, partnerWorkRule, setPartnerWorkRule } from "../server/auth/partner-work";
export { completeOidcSignIn, OIDC_REFUSALS, startOidcSignIn, type OidcRefusal } from "../server/auth/oidc-sign-in";
export { findOidcProvider, listSignInChoices, removeOidcProvider, saveOidcProvider, schoolAccountOf } from "../server/auth/oidc-settings";
export { archiveSavedView, createSavedView, listSavedViews, normaliseViewQuery, updateSavedView } from "../server/domains/saved-views/saved-views.service";
