import { Hono } from "hono";
import { AppError } from "./errors";
import { requireApiUser } from "./http/api-auth";
import { apiErrorResponse } from "./http/api-errors";
import type { HonoEnv } from "./http/env";
import { activitiesApi } from "./domains/activities/activities.routes";
import { healthApi, organisationHealthApi } from "./domains/health/health.routes";
import { interactionsApi, organisationTimelineApi } from "./domains/interactions/interactions.routes";
import { organisationsApi } from "./domains/organisations/organisations.routes";
import { affiliationsApi, peopleApi } from "./domains/people/people.routes";
import { tasksApi } from "./domains/tasks/tasks.routes";
import { searchApi } from "./domains/search/search.routes";
import { usersApi } from "./domains/users/users.routes";
import { importsApi } from "./domains/imports/imports.routes";
import { commitmentsApi, documentsApi } from "./domains/commitments/commitments.routes";
import { inKindApi } from "./domains/commitments/in-kind.routes";
import { agreementsApi } from "./domains/agreements/agreements.routes";
import { reportsApi } from "./domains/reports/reports.routes";
import { budgetsApi, cofinancingApi } from "./domains/budgets/budgets.routes";
import { openApiDocument } from "./openapi";
import { meApi, regionPrivacyApi, regionSecurityApi } from "./domains/account/account.routes";
import { inboundMailApi } from "./domains/mail-capture/inbound-mail.routes";
import { inboxApi, senderAddressesApi } from "./domains/mail-capture/mail-capture.routes";
import { loggingAddressOf } from "./domains/mail-capture/mail-capture.addresses";

/** /api/v1: JSON in and out, one error shape, every route behind authentication but the contract itself. */
export function createApi() {
  const api = new Hono<HonoEnv>();
  api.onError((error, c) => apiErrorResponse(c, error, c.get("services").log));
  api.notFound((c) => c.json(new AppError("NOT_FOUND", `No such endpoint: ${c.req.method} ${c.req.path}`).toJSON(), 404));

  api.get("/openapi.json", (c) => c.json(openApiDocument()));
  // Mail relayed by a provider: authenticated by the region's inbound secret, not a user (issue 16).
  api.route("/inbound", inboundMailApi);
  api.use("*", requireApiUser);
  api.get("/me", async (c) => {
    const user = c.get("user")!;
    const { db, config, clock } = c.get("services");
    const loggingAddress = await loggingAddressOf(db, user, { domain: config.inboundMail.domain, now: clock.now() });
    return c.json({ id: user.id, email: user.email, name: user.name, role: user.role, regionId: user.regionId, organisationId: user.organisationId, locale: user.locale, loggingAddress });
  });
  api.route("/users", usersApi);
  api.route("/search", searchApi);
  api.route("/people", peopleApi);
  api.route("/affiliations", affiliationsApi);
  api.route("/organisations", organisationTimelineApi);
  api.route("/organisations", organisationHealthApi);
  api.route("/organisations", organisationsApi);
  api.route("/interactions", interactionsApi);
  api.route("/tasks", tasksApi);
  api.route("/imports", importsApi);
  api.route("/health", healthApi);
  api.route("/activities", activitiesApi);
  api.route("/commitments", commitmentsApi);
  api.route("/documents", documentsApi);
  api.route("/in-kind", inKindApi);
  api.route("/agreements", agreementsApi);
  api.route("/reports", reportsApi);
  api.route("/budgets", budgetsApi);
  api.route("/cofinancing", cofinancingApi);
  api.route("/me/sender-addresses", senderAddressesApi);
  api.route("/me", meApi);
  api.route("/region/security", regionSecurityApi);
  api.route("/region/privacy", regionPrivacyApi);
  api.route("/inbox", inboxApi);
  return api;
}
