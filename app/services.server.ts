/**
 * The server functions Remix routes call, in one `.server` module: Remix leaves `.server` files
 * out of the browser build, so nothing here (argon2, postgres, nodemailer) reaches a browser.
 * Routes import zod schemas (`*.schemas.ts`, browser-safe) directly and everything else from here.
 */
export { createApiToken, listApiTokens, revokeApiToken } from "../server/auth/api-tokens";
export { signIn } from "../server/auth/sign-in";
export { findOutboxEmail, listOutbox } from "../server/domains/email/outbox.service";
export { getRegion } from "../server/domains/regions/regions.service";
export { completeSetup, isSetupTokenValid } from "../server/domains/setup/setup.service";
export {
  changeUserRole,
  createUser,
  deactivateUser,
  findUserByToken,
  listUsers,
  requestPasswordReset,
  setPasswordWithToken,
  setUserLocale,
} from "../server/domains/users/users.service";
export { AppError } from "../server/errors";
export { parseInput } from "../server/validation";
