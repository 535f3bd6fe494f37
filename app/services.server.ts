/**
 * The server functions Remix routes call, in one `.server` module: Remix leaves `.server` files
 * out of the browser build, so nothing here (argon2, postgres, nodemailer) reaches a browser.
 * Routes import zod schemas (`*.schemas.ts`, browser-safe) directly and everything else from here.
 */
export { createApiToken, listApiTokens, revokeApiToken } from "../server/auth/api-tokens";
export { signIn } from "../server/auth/sign-in";
export { findOutboxEmail, listOutbox } from "../server/domains/email/outbox.service";
export {
  archiveOrganisation,
  createOrganisation,
  getOrganisation,
  listAccountHolderHistory,
  listOrganisations,
  mergeOrganisations,
  updateOrganisation,
} from "../server/domains/organisations/organisations.service";
export { addAffiliation, createPerson, endAffiliation, getPerson, listOrganisationContacts, listPeople, moveToOrganisation } from "../server/domains/people/people.service";
export { EXPORT_CONTENT_TYPES, exportOrganisations } from "../server/domains/organisations/organisations.export";
export { activityChoices, archiveActivity, createActivity, getActivity, listActivities, listOrganisationActivities, updateActivity } from "../server/domains/activities/activities.service";
export { getTimeline, logInteraction } from "../server/domains/interactions/interactions.service";
export { completeTask, listMyTasks } from "../server/domains/tasks/tasks.service";
export { searchEverything } from "../server/domains/search/search.service";
export {
  addHoliday,
  getHealthSettings,
  getOrganisationHealth,
  healthCounts,
  healthStatesOf,
  listHealth,
  organisationHealthHistory,
  regionHealthTrend,
  removeHoliday,
  snoozeOrganisation,
  endSnooze,
  updateHealthSettings,
} from "../server/domains/health/health.service";
export { getRegion, listSubregions } from "../server/domains/regions/regions.service";
export { completeSetup, isSetupTokenValid } from "../server/domains/setup/setup.service";
export {
  changeUserRole,
  createUser,
  deactivateUser,
  findUserByToken,
  listAssignableUsers,
  listUsers,
  requestPasswordReset,
  setPasswordWithToken,
  setUserLocale,
} from "../server/domains/users/users.service";
export { scopeOf } from "../server/auth/current-user";
export { toLocalDate } from "../server/clock";
export { schoolYearEnd, schoolYearOf, schoolYearStart } from "../server/school-year";
export { AppError } from "../server/errors";
export { parseInput, translateFields } from "../server/validation";
