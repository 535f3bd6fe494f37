import { AppError } from "./errors";
import { apiRouter } from "./http/api-router";
import { requireApiUser } from "./http/api-auth";
import { apiErrorResponse } from "./http/api-errors";
import { activitiesApi } from "./domains/activities/activities.routes";
import { healthApi, organisationHealthApi } from "./domains/health/health.routes";
import { interactionsApi, organisationTimelineApi } from "./domains/interactions/interactions.routes";
import { organisationsApi } from "./domains/organisations/organisations.routes";
import { affiliationsApi, peopleApi } from "./domains/people/people.routes";
import { tasksApi } from "./domains/tasks/tasks.routes";
import { leadsApi } from "./domains/leads/leads.routes";
import { organisationPlansApi, planTemplatesApi } from "./domains/plans/plans.routes";
import { savedViewsApi } from "./domains/saved-views/saved-views.routes";
import { searchApi } from "./domains/search/search.routes";
import { usersApi } from "./domains/users/users.routes";
import { importsApi } from "./domains/imports/imports.routes";
import { commitmentsApi, documentsApi } from "./domains/commitments/commitments.routes";
import { inKindApi } from "./domains/in-kind/in-kind.routes";
import { agreementsApi } from "./domains/agreements/agreements.routes";
import { reportsApi } from "./domains/reports/reports.routes";
import { budgetsApi } from "./domains/budgets/budgets.routes";
import { cofinancingApi } from "./domains/cofinancing/cofinancing.routes";
import { meApi, regionPartnerWorkApi, regionPrivacyApi, regionSecurityApi } from "./domains/account/account.routes";
import { inboundMailApi } from "./domains/mail-capture/inbound-mail.routes";
import { inboxApi, jobChangesApi, senderAddressesApi } from "./domains/mail-capture/mail-capture.routes";
import { regionMailApi } from "./domains/mail-capture/mail-settings.routes";

/**
 * /api/v1: JSON in and out, one error shape, every route behind authentication but the contract
 * itself. Each area declares its routes with their schemas (server/http/api-router.ts); the
 * contract at /openapi.json is generated from those declarations.
 */
export function createApi() {
  const api = apiRouter();
  api.onError((error, c) => apiErrorResponse(c, error, c.get("services").log));
  api.notFound((c) => c.json(new AppError("NOT_FOUND", `No such endpoint: ${c.req.method} ${c.req.path}`).toJSON(), 404));

  api.get("/openapi.json", (c) => c.json(openApiDocumentOf(api)));
  // Mail relayed by a provider: authenticated by the region's inbound secret, not a user (issue 16).
  api.route("/inbound", inboundMailApi);
  api.use("*", requireApiUser);
  api.route("/users", usersApi);
  api.route("/search", searchApi);
  api.route("/people", peopleApi);
  api.route("/affiliations", affiliationsApi);
  api.route("/organisations", organisationTimelineApi);
  api.route("/organisations", organisationHealthApi);
  api.route("/organisations", organisationPlansApi);
  api.route("/organisations", organisationsApi);
  api.route("/interactions", interactionsApi);
  api.route("/tasks", tasksApi);
  api.route("/views", savedViewsApi);
  api.route("/imports", importsApi);
  api.route("/health", healthApi);
  api.route("/leads", leadsApi);
  api.route("/plan-templates", planTemplatesApi);
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
  api.route("/region/partner-work", regionPartnerWorkApi);
  api.route("/region/mail", regionMailApi);
  api.route("/inbox", inboxApi);
  api.route("/job-change-suggestions", jobChangesApi);
  api.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  api.openAPIRegistry.registerComponent("securitySchemes", "inboundSecret", { type: "http", scheme: "bearer", description: "The region's inbound mail secret (POST /inbound/mail only)" });
  return api;
}

/** The published contract, generated from the route declarations of every area. */
export function openApiDocumentOf(api: ReturnType<typeof apiRouter>) {
  return api.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "Schakel API", version: "1", description: "The JSON API of Schakel. Every answer that is not a success has the shape { error: { code, message, fields? } }." },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
  });
}
