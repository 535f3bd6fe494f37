import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { limitConfirmationMail } from "../../auth/rate-limit";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam, page } from "../../http/api-schemas";
import { addSenderAddress, listSenderAddresses } from "./mail-capture.addresses";
import { InboxItemResponse, LinkedInboxItemResponse, LinkInboxItemInput, ListInboxInput, SenderAddressInput, SenderAddressResponse } from "./mail-capture.schemas";
import { discardInboxItem, linkInboxItem, listInbox } from "./mail-capture.service";
import { confirmJobChange, dismissJobChange, listJobChangeSuggestions } from "./mail-capture.job-changes";
import { ConfirmedJobChangeResponse, ConfirmJobChangeInput, DismissJobChangeInput, JobChangeSuggestionResponse, ListJobChangesInput } from "./mail-capture.schemas";

// Mail is logged by staff; each sees only their own "Te koppelen" items (an admin too).

/** /api/v1/inbox: the signed-in user's "Te koppelen" list. */
export const inboxApi = apiRouter();

declareRoute(
  inboxApi,
  {
    method: "get",
    path: "/",
    summary: "The caller's \"Te koppelen\" list: logged mail Schakel could not place, newest first (staff); deleted after 30 days",
    middleware: [requireApiPermission("interaction.log")],
    request: { query: ListInboxInput },
    responses: { 200: jsonContent(page(InboxItemResponse), "A page of items") },
  },
  async (c) => c.json(await listInbox(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("query"))),
);

declareRoute(
  inboxApi,
  {
    method: "post",
    path: "/{id}/link",
    summary: "Link an item to an organisation: it becomes a contact moment there, with the people named and optionally the unknown sender as a new contact person of it",
    middleware: [requireApiPermission("interaction.log")],
    request: { params: IdParam, body: jsonBody(LinkInboxItemInput) },
    responses: { 201: jsonContent(LinkedInboxItemResponse, "The contact moment, and the new contact person's id") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => linkInboxItem(trx, scope, id, input, meta)), 201);
  },
);

declareRoute(
  inboxApi,
  {
    method: "delete",
    path: "/{id}",
    summary: "Discard an item: its text and addresses are wiped at once",
    middleware: [requireApiPermission("interaction.log")],
    request: { params: IdParam },
    responses: { 204: { description: "Discarded" } },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => discardInboxItem(trx, scope, id, meta));
    return c.body(null, 204);
  },
);

/**
 * /api/v1/me/sender-addresses: further addresses the user logs mail from. Adding one mails it a
 * confirmation link (from config.appUrl); only a confirmed one is accepted as sender.
 */
export const senderAddressesApi = apiRouter();

declareRoute(
  senderAddressesApi,
  {
    method: "get",
    path: "/",
    summary: "The further addresses the caller logs mail from (staff)",
    middleware: [requireApiPermission("interaction.log")],
    responses: { 200: jsonContent(z.object({ items: z.array(SenderAddressResponse), nextCursor: z.null() }), "The addresses") },
  },
  async (c) => c.json({ items: await listSenderAddresses(c.get("services").db, scopeOf(apiUser(c))), nextCursor: null }),
);

declareRoute(
  senderAddressesApi,
  {
    method: "post",
    path: "/",
    summary: "Add an address the caller sends mail from; a confirmation link is mailed to it, and only a confirmed address may log",
    middleware: [requireApiPermission("interaction.log")],
    request: { body: jsonBody(SenderAddressInput) },
    responses: { 201: jsonContent(SenderAddressResponse, "The address, not yet confirmed") },
  },
  async (c) => {
    const { email } = c.req.valid("json");
    const services = c.get("services");
    await limitConfirmationMail(services.db, apiUser(c).id, services.clock.now());
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => addSenderAddress(trx, scope, email, meta)), 201);
  },
);

/** /api/v1/job-change-suggestions: "Mogelijk van baan gewisseld" from the caller's own captured mail (decision 142). */
export const jobChangesApi = apiRouter();

declareRoute(
  jobChangesApi,
  {
    method: "get",
    path: "/",
    summary: "Known contacts seen in the caller's captured mail at another company's domain, open, newest first (staff)",
    middleware: [requireApiPermission("interaction.log")],
    request: { query: ListJobChangesInput },
    responses: { 200: jsonContent(page(JobChangeSuggestionResponse), "A page of suggestions") },
  },
  async (c) => {
    const services = c.get("services");
    return c.json(await listJobChangeSuggestions(services.db, scopeOf(apiUser(c)), { ...c.req.valid("query"), today: services.clock.today() }));
  },
);

declareRoute(
  jobChangesApi,
  {
    method: "post",
    path: "/{id}/confirm",
    summary: "Confirm through the new-job flow: at the organisation of exactly employerName, else a new employer and a lead; from startDate (without it the mail's day). Stale version: 409",
    middleware: [requireApiPermission("person.write")],
    request: { params: IdParam, body: jsonBody(ConfirmJobChangeInput) },
    responses: { 201: jsonContent(ConfirmedJobChangeResponse, "The person, the lead (if any) and the organisation of the new job (if in Schakel)") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => confirmJobChange(trx, scope, id, input, meta)), 201);
  },
);

declareRoute(
  jobChangesApi,
  {
    method: "post",
    path: "/{id}/dismiss",
    summary: "Put a suggestion away: kept with who and when; the same address never suggests again (stale version: 409)",
    middleware: [requireApiPermission("person.write")],
    request: { params: IdParam, body: jsonBody(DismissJobChangeInput) },
    responses: { 204: { description: "Put away" } },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => dismissJobChange(trx, scope, id, input, meta));
    return c.body(null, 204);
  },
);
