/**
 * What Remix pages call on the server, handed to them in the load context as `context.server`
 * (server/app.ts). Route modules import only the rules that hold no state (schemas, the permissions
 * table, AppError, calendar and formatting) and reach everything that reads or writes through here,
 * so the process runs one copy of the domain, its database pool and its request scope (decision 140).
 */
export { changeMetaOf, runChange, runSystemChange } from "./change";
export { listApiTokens, mintApiToken, revokeAllApiTokens, revokeApiToken } from "./auth/api-tokens";
export { signIn } from "./auth/sign-in";
export { findSignInLink, requestSignInLink, signInWithLink } from "./auth/sign-in-links";
export {
  limitConfirmationMail,
  limitCurrentPasswordCheck,
  limitEnrolmentCodeCheck,
  limitLinkTokenCheck,
} from "./auth/rate-limit";
export { endOtherSessions, endSession, listSessions } from "./auth/sessions";
export {
  erasePerson,
  exportPerson,
  regionRetention,
  setRegionRetention,
  type PersonExport,
} from "./domains/privacy/privacy.service";
export {
  completeChallenge,
  confirmEnrollment,
  disableTwoFactor,
  enrollmentSecret,
  regenerateRecoveryCodes,
  regionTwoFactorRequirement,
  setRegionTwoFactorRequirement,
  twoFactorStatus,
} from "./auth/two-factor";
export { findOutboxEmail, listOutbox } from "./domains/email/outbox.service";
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
} from "./domains/organisations/organisations.service";
export { readOrganisationPage } from "./domains/organisations/organisation-page";
export {
  addContact,
  endAffiliation,
  getPerson,
  listCurrentContacts,
  listOrganisationContacts,
} from "./domains/people/people.service";
export { listPeople } from "./domains/people/people.list";
export { archivePerson, restorePerson, updatePerson } from "./domains/people/people.service";
export { findMergeCandidates, mergePeople } from "./domains/people/people.merge";
export { leaveJob, startNewJob } from "./domains/people/people.jobs";
export { listHistory } from "./domains/audit/history";
export { EXPORT_CONTENT_TYPES, exportOrganisations } from "./domains/organisations/organisations.export";
export {
  activityChoices,
  archiveActivity,
  createActivity,
  getActivity,
  listOrganisationActivities,
  updateActivity,
  listSharedActivities,
} from "./domains/activities/activities.service";
export { listActivities } from "./domains/activities/activities.list";
export { readImportStream, MAX_IMPORT_BYTES } from "./domains/imports/imports.parse";
export { IMPORT_RETRY_AFTER_SECONDS, withImportSlot } from "./domains/imports/imports.gate";
export { guessMapping } from "./domains/imports/imports.mapping";
export {
  commitImport,
  describeRows,
  getImport,
  getImportSample,
  importProgress,
  previewImport,
  setImportMapping,
  stageImport,
} from "./domains/imports/imports.service";
export {
  archiveInteraction,
  getInteraction,
  getTimeline,
  logInteraction,
  organisationsToLog,
  updateInteraction,
} from "./domains/interactions/interactions.service";
export { completeTask, listMyTasks } from "./domains/tasks/tasks.service";
export { countOffersAwaiting, listOffersAwaiting, listOwnActivitiesBetween } from "./domains/activities/activities.owned";
export { searchEverything } from "./domains/search/search.service";
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
  updateHealthSettings,
} from "./domains/health/health.service";
export { listUpcoming } from "./domains/health/health.forecast";
export { convertLead, dismissLead, findOpenLead, listLeads } from "./domains/leads/leads.service";
export { getRegion, listSubregions } from "./domains/regions/regions.service";
export { dismissGettingStarted, gettingStarted, type GettingStarted } from "./domains/regions/getting-started";
export { completeSetup, isSetupTokenValid } from "./domains/setup/setup.service";
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
} from "./domains/users/users.service";
export { countOwnedOrganisations, getHandover, handOverOrganisations } from "./domains/handover/handover.service";
export { getDigestPreferences, updateDigestPreferences } from "./domains/digest/digest.service";
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
} from "./domains/commitments/commitments.service";
export { setSchoolYearBudget } from "./domains/budgets/budgets.service";
export { cofinancingOverview, cofinancingYears } from "./domains/cofinancing/cofinancing.service";
export { MAX_DOCUMENT_BYTES } from "./domains/documents/documents.service";
export {
  addColleague,
  assertAffiliationOfOwnOrganisation,
  assertPartnerSuccessor,
  offerActivity,
  offerChoices,
  PARTNER_ORGANISATION_FIELDS,
  portalActivities,
  withdrawOffer,
} from "./domains/portal/portal.service";
export { contributionStatement, schoolYearFigures, schoolYearRecords } from "./domains/reports/reports.service";
export { reportCsv, reportFileResponse, reportPdf, reportXlsx, statementPdf } from "./domains/reports/reports.formats";
export { invitePartnerUser, listPartnerUsers } from "./domains/partner-users/partner-users.service";
export { createFeed, getFeedStatus, revokeFeed } from "./domains/feeds/feeds.service";
// Email capture on the profile: the logging address, further sender addresses, the user's never-log list.
export {
  addSenderAddress,
  confirmSenderAddress,
  findSenderAddressConfirmation,
  listSenderAddresses,
  loggingAddressOf,
  regenerateLoggingAddress,
  removeSenderAddress,
} from "./domains/mail-capture/mail-capture.addresses";
export {
  confirmInKindProposal,
  inKindCountOf,
  listInKindProposals,
  listInKindRejections,
  rejectInKindProposal,
  undoInKindRejection,
} from "./domains/in-kind/in-kind.service";
export { listInKindRates, updateInKindRates } from "./domains/in-kind/in-kind.rates";
export {
  archiveAgreement,
  createAgreement,
  getAgreement,
  listAgreementOwners,
  listAgreements,
  listOrganisationAgreements,
  updateAgreement,
} from "./domains/agreements/agreements.service";
export {
  countInbox,
  discardInboxItem,
  getInboxItem,
  linkInboxItem,
  listInbox,
  suggestOrganisationsFor,
} from "./domains/mail-capture/mail-capture.service";
export { confirmJobChange, dismissJobChange, listJobChangeSuggestions } from "./domains/mail-capture/mail-capture.job-changes";
export {
  addNeverLog,
  getMailCaptureSettings,
  listNeverLog,
  removeNeverLog,
  rotateInboundSecret,
  setMailRetention,
} from "./domains/mail-capture/mail-capture.settings";
export { type Action } from "./auth/permissions";
export { mayWorkOrganisations, partnerWorkRule, setPartnerWorkRule } from "./auth/partner-work";
export { completeOidcSignIn, OIDC_REFUSALS, startOidcSignIn, type OidcRefusal } from "./auth/oidc-sign-in";
export {
  findOidcProvider,
  listSignInChoices,
  removeOidcProvider,
  saveOidcProvider,
  schoolAccountOf,
} from "./auth/oidc-settings";
export {
  archiveSavedView,
  createSavedView,
  listSavedViews,
  normaliseViewQuery,
  updateSavedView,
} from "./domains/saved-views/saved-views.service";
export { healthRollups } from "./domains/health/health.rollups";
export { listOrganisationPlans, listPlanTemplates, startPlanByHand, updatePlanTemplate } from "./domains/plans/plans.service";
