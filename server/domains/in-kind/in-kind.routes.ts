import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { page } from "../../http/api-schemas";
import { RecordedRealisationResponse } from "../commitments/commitments.schemas";
import { listInKindRates, updateInKindRates } from "./in-kind.rates";
import {
  ConfirmProposalInput,
  InKindProposalResponse,
  InKindRateResponse,
  InKindRejectionResponse,
  ListProposalsInput,
  RejectedProposalResponse,
  RejectProposalInput,
  UndoneRejectionResponse,
  UpdateInKindRatesInput,
} from "./in-kind.schemas";
import { confirmInKindProposal, listInKindProposals, listInKindRejections, rejectInKindProposal, undoInKindRejection } from "./in-kind.service";

const ActivityParam = z.object({ activityId: z.uuid() });
const RatesResponse = z.object({ items: z.array(InKindRateResponse), nextCursor: z.null() });

/** /api/v1/in-kind: done activities proposed as in-kind realisation, the decisions on them, and the region's rates. */
export const inKindApi = apiRouter();

declareRoute(
  inKindApi,
  {
    method: "get",
    path: "/proposals",
    summary:
      "Done activities proposed as in-kind realisation (admin, penvoerder, accounthouder): guest lessons, internships, company visits, workshops, teacher placements and trainings with hours whose partner has an open in-kind commitment for that school year, not counted and not rejected. proposedCents = hours × the commitment's hourly rate, else the region's rate for the type",
    middleware: [requireApiPermission("money.read")],
    request: { query: ListProposalsInput },
    responses: { 200: jsonContent(page(InKindProposalResponse), "A page of proposals, newest activity first") },
  },
  async (c) => c.json(await listInKindProposals(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("query"))),
);

declareRoute(
  inKindApi,
  {
    method: "post",
    path: "/proposals/{activityId}/confirm",
    summary:
      "Confirm a proposal (admin, penvoerder): a realisation of the activity on the proposed commitment (or `commitmentId`), as proposed or with other hours or amount and a note saying why. 409 when the activity is counted already, 422 when it is no longer proposed",
    middleware: [requireApiPermission("money.write")],
    request: { params: ActivityParam, body: jsonBody(ConfirmProposalInput, { required: false }) },
    responses: { 201: jsonContent(RecordedRealisationResponse, "The realisation with the commitment after it") },
  },
  async (c) => {
    const { activityId } = c.req.valid("param");
    const input = c.req.valid("json");
    const { commitment, realisation } = await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => confirmInKindProposal(trx, scope, activityId, input, meta));
    return c.json({ ...realisation, commitment }, 201);
  },
);

declareRoute(
  inKindApi,
  {
    method: "post",
    path: "/proposals/{activityId}/reject",
    summary: "Reject counting an activity in kind, with a reason (admin, penvoerder): it is not proposed again until the rejection is undone. Audited",
    middleware: [requireApiPermission("money.write")],
    request: { params: ActivityParam, body: jsonBody(RejectProposalInput) },
    responses: { 200: jsonContent(RejectedProposalResponse, "The rejection") },
  },
  async (c) => {
    const { activityId } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => rejectInKindProposal(trx, scope, activityId, input, meta)));
  },
);

declareRoute(
  inKindApi,
  {
    method: "get",
    path: "/rejections",
    summary: "Rejected activities, newest first, with reason and who decided (admin, penvoerder, accounthouder)",
    middleware: [requireApiPermission("money.read")],
    responses: { 200: jsonContent(z.object({ items: z.array(InKindRejectionResponse), nextCursor: z.null() }), "The rejections") },
  },
  async (c) => c.json({ items: await listInKindRejections(c.get("services").db, scopeOf(apiUser(c))), nextCursor: null }),
);

declareRoute(
  inKindApi,
  {
    method: "delete",
    path: "/rejections/{activityId}",
    summary: "Undo a rejection (admin, penvoerder); audited",
    middleware: [requireApiPermission("money.write")],
    request: { params: ActivityParam },
    responses: { 200: jsonContent(UndoneRejectionResponse, "The activity proposed again when it still qualifies") },
  },
  async (c) => {
    const { activityId } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => undoInKindRejection(trx, scope, activityId, meta)));
  },
);

// The region's valuation rates are staff work like the proposals (decision 050); a partner sees
// only the rate on its own commitments (decision 071).
declareRoute(
  inKindApi,
  {
    method: "get",
    path: "/rates",
    summary: "The region's hourly rate per activity type for in-kind valuation (default 6500 cents); staff only",
    middleware: [requireApiPermission("money.read")],
    responses: { 200: jsonContent(RatesResponse, "The rates") },
  },
  async (c) => c.json({ items: await listInKindRates(c.get("services").db, apiUser(c).regionId), nextCursor: null }),
);

declareRoute(
  inKindApi,
  {
    method: "patch",
    path: "/rates",
    summary: "Set rates (admin, penvoerder): { rates: { guest_lesson: 6500, ... } }; realisations already counted keep their amount. Audited",
    middleware: [requireApiPermission("money.write")],
    request: { body: jsonBody(UpdateInKindRatesInput) },
    responses: { 200: jsonContent(RatesResponse, "The rates after the change") },
  },
  async (c) => {
    const { rates } = c.req.valid("json");
    return c.json({ items: await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updateInKindRates(trx, scope, rates, meta)), nextCursor: null });
  },
);
