import { endSession, listSessions } from "../../auth/sessions";
import { regionTwoFactorRequirement, setRegionTwoFactorRequirement, twoFactorStatus } from "../../auth/two-factor";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { page } from "../../http/api-schemas";
import { runChange } from "../../change";
import { ChangePasswordInput } from "../users/users.schemas";
import { changePassword } from "../users/users.service";
import { limitCurrentPasswordCheck } from "../../auth/rate-limit";
import { regionRetention, setRegionRetention } from "../privacy/privacy.service";
import { loggingAddressOf } from "../mail-capture/mail-capture.addresses";
import { partnerWorkRule, setPartnerWorkRule } from "../../auth/partner-work";
import { CurrentUserResponse, PasswordChangedResponse, RegionPartnerWorkInput, RegionPartnerWorkResponse, RegionPrivacyInput, RegionPrivacyResponse, RegionSecurityInput, RegionSecurityResponse, SessionParam, SessionResponse, TwoFactorStatusResponse } from "./account.schemas";

/** /api/v1/me: the caller's own account — who they are, where they are signed in, their password, their second factor. */
export const meApi = apiRouter();

declareRoute(
  meApi,
  { method: "get", path: "/", summary: "The signed-in user, with their personal logging address for email capture (null for a partner user)", responses: { 200: jsonContent(CurrentUserResponse, "The user") } },
  async (c) => {
    const user = apiUser(c);
    const { db, config, clock } = c.get("services");
    const loggingAddress = await loggingAddressOf(db, user, { domain: config.inboundMail.domain, now: clock.now() });
    return c.json({ id: user.id, email: user.email, name: user.name, role: user.role, regionId: user.regionId, organisationId: user.organisationId, locale: user.locale, loggingAddress });
  },
);

declareRoute(meApi, { method: "get", path: "/sessions", summary: "Where the caller is signed in", responses: { 200: jsonContent(page(SessionResponse), "Every session of the caller") } }, async (c) => {
  const user = apiUser(c);
  const { db, clock } = c.get("services");
  return c.json({ items: await listSessions(db, user.id, c.get("sessionId"), clock.now()), nextCursor: null });
});

declareRoute(
  meApi,
  { method: "delete", path: "/sessions/{id}", summary: "Sign one of the caller's sessions out", request: { params: SessionParam }, responses: { 204: { description: "Signed out" } } },
  async (c) => {
    await endSession(c.get("services").db, apiUser(c).id, c.req.valid("param").id);
    return c.body(null, 204);
  },
);

declareRoute(
  meApi,
  {
    method: "post",
    path: "/password",
    summary: "Change the caller's password (the current one is asked); every other session ends and every API token is revoked",
    request: { body: jsonBody(ChangePasswordInput) },
    responses: { 200: jsonContent(PasswordChangedResponse, "What the change ended") },
  },
  async (c) => {
    const user = apiUser(c);
    const services = c.get("services");
    await limitCurrentPasswordCheck(services.db, user.id, services.clock.now());
    const input = c.req.valid("json");
    return c.json(await runChange(services, user, ({ trx, meta }) => changePassword(trx, user.id, input, { ...meta, keepSessionId: c.get("sessionId") })));
  },
);

declareRoute(meApi, { method: "get", path: "/two-factor", summary: "Whether the caller signs in with a second factor", responses: { 200: jsonContent(TwoFactorStatusResponse, "The caller's second factor") } }, async (c) =>
  c.json(await twoFactorStatus(c.get("services").db, apiUser(c).id)),
);

/** /api/v1/region/security: whether admins and penvoerders must sign in with a second factor. */
export const regionSecurityApi = apiRouter();

declareRoute(
  regionSecurityApi,
  { method: "get", path: "/", summary: "Whether the region requires a second factor (staff)", middleware: [requireApiPermission("region.read")], responses: { 200: jsonContent(RegionSecurityResponse, "The requirement") } },
  async (c) => c.json(await regionTwoFactorRequirement(c.get("services").db, apiUser(c).regionId)),
);

declareRoute(
  regionSecurityApi,
  {
    method: "patch",
    path: "/",
    summary: "Require a second factor of admins and penvoerders, or not (admin)",
    middleware: [requireApiPermission("region.manage")],
    request: { body: jsonBody(RegionSecurityInput) },
    responses: { 200: jsonContent(RegionSecurityResponse, "The requirement") },
  },
  async (c) => {
    const { requireTwoFactor } = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => setRegionTwoFactorRequirement(trx, scope.regionId, requireTwoFactor, { actorId: scope.userId, now: meta.now })));
  },
);

/** /api/v1/region/privacy: how many months after their last job a departed contact is anonymised. */
export const regionPrivacyApi = apiRouter();

declareRoute(
  regionPrivacyApi,
  { method: "get", path: "/", summary: "The region's retention period (staff)", middleware: [requireApiPermission("region.read")], responses: { 200: jsonContent(RegionPrivacyResponse, "The retention period") } },
  async (c) => c.json(await regionRetention(c.get("services").db, apiUser(c).regionId)),
);

declareRoute(
  regionPrivacyApi,
  {
    method: "patch",
    path: "/",
    summary: "Set how many months after their last job a departed contact is anonymised; null keeps them (admin)",
    middleware: [requireApiPermission("region.manage")],
    request: { body: jsonBody(RegionPrivacyInput) },
    responses: { 200: jsonContent(RegionPrivacyResponse, "The retention period") },
  },
  async (c) => {
    const { retentionMonths } = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => setRegionRetention(trx, scope, retentionMonths, meta)));
  },
);

/** /api/v1/region/partner-work: whether every staff member (the penvoerder too) may work every partner. */
export const regionPartnerWorkApi = apiRouter();

declareRoute(
  regionPartnerWorkApi,
  { method: "get", path: "/", summary: "Whether every staff member works every partner, or only account holders, admins and owners (staff)", middleware: [requireApiPermission("region.read")], responses: { 200: jsonContent(RegionPartnerWorkResponse, "The region's rule") } },
  async (c) => c.json(await partnerWorkRule(c.get("services").db, apiUser(c).regionId)),
);

declareRoute(
  regionPartnerWorkApi,
  {
    method: "patch",
    path: "/",
    summary: "Let every staff member work every partner, or only account holders, admins and owners (admin)",
    middleware: [requireApiPermission("region.manage")],
    request: { body: jsonBody(RegionPartnerWorkInput) },
    responses: { 200: jsonContent(RegionPartnerWorkResponse, "The region's rule") },
  },
  async (c) => {
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => setPartnerWorkRule(trx, scope, input, meta)));
  },
);
