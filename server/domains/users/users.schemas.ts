import { z } from "zod";
import { LOCALES, ROLES } from "../../../db/schema";
import { Timestamp } from "../../http/api-schemas";

export const EmailAddress = z.string().trim().toLowerCase().min(1).max(254).pipe(z.email());
export const UserRole = z.enum(ROLES);
export const UserName = z.string().trim().min(1).max(200);
export const NewPassword = z.string().min(10, "validation.passwordTooShort").max(200);

export const InviteUserInput = z.object({
  email: EmailAddress,
  name: UserName,
  role: UserRole,
  organisationId: z.uuid().nullish(),
});
export type InviteUserInput = z.infer<typeof InviteUserInput>;

/** Creating a user directly (command line, setup): with a password it is active at once, without one it is invited. */
export const CreateUserInput = InviteUserInput.extend({ password: NewPassword.optional() });
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export const ChangeRoleInput = z.object({ role: UserRole, version: z.coerce.number().int().min(1) });
export type ChangeRoleInput = z.infer<typeof ChangeRoleInput>;

export const SignInInput = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(200),
});
export type SignInInput = z.infer<typeof SignInInput>;

export const ChoosePasswordInput = z
  .object({ password: NewPassword, confirm: z.string().max(200) })
  .refine((value) => value.password === value.confirm, { message: "validation.passwordsDiffer", path: ["confirm"] });
export type ChoosePasswordInput = z.infer<typeof ChoosePasswordInput>;

/**
 * Accepting an invitation: as ChoosePasswordInput, but the password may be left out — a partner
 * then signs in with an emailed link (decision 126); the service refuses it for staff.
 */
export const AcceptInvitationInput = z
  .object({ password: NewPassword.optional(), confirm: z.string().max(200).optional() })
  .refine((value) => (value.password ?? "") === (value.confirm ?? ""), { message: "validation.passwordsDiffer", path: ["confirm"] });
export type AcceptInvitationInput = z.infer<typeof AcceptInvitationInput>;

/** "Send me a sign-in link" (POST /sign-in/link, field `email`). */
export const SignInLinkRequestInput = z.object({ email: EmailAddress });

/** Changing one's own password: the current one first, so an unlocked screen is not enough. */
export const ChangePasswordInput = z
  .object({ currentPassword: z.string().min(1).max(200), password: NewPassword, confirm: z.string().max(200) })
  .refine((value) => value.password === value.confirm, { message: "validation.passwordsDiffer", path: ["confirm"] });
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

/** Two-factor: a code from the app (six digits) or a recovery code, as typed. */
export const TwoFactorCodeInput = z.object({ code: z.string().trim().min(1).max(40) });

export const ForgotPasswordInput = z.object({ email: EmailAddress });

export const LocaleInput = z.object({ locale: z.enum(LOCALES) });

export const ListInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** A user as the API answers it. */
export const UserResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  regionId: z.uuid(),
  organisationId: z.uuid().nullable(),
  active: z.boolean(),
  invited: z.boolean(),
  locale: z.enum(LOCALES),
  version: z.number().int(),
  createdAt: Timestamp,
});
