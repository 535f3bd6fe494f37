import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam } from "../../http/api-schemas";
import { MailRetentionInput, MailSettingsResponse, NeverLogEntryResponse, RegionNeverLogInput } from "./mail-capture.schemas";
import { addNeverLog, getMailCaptureSettings, listNeverLog, removeNeverLog, setMailRetention } from "./mail-capture.settings";

/**
 * /api/v1/region/mail: what the region keeps of a logged mail (staff read it, an admin sets it),
 * and the region's never-log list (admin). The inbound secret is rotated on /admin/mail or with
 * `schakel mail secret`, never over this API: it would hand a relay's credential to any token.
 */
export const regionMailApi = apiRouter();

declareRoute(
  regionMailApi,
  {
    method: "get",
    path: "/",
    summary: "What the region keeps of a logged mail (subject, excerpt: the subject and the first 1,000 characters, or full), and whether an inbound secret is set (staff)",
    middleware: [requireApiPermission("region.read")],
    responses: { 200: jsonContent(MailSettingsResponse, "The region's mail settings") },
  },
  async (c) => c.json(await getMailCaptureSettings(c.get("services").db, apiUser(c).regionId)),
);

declareRoute(
  regionMailApi,
  {
    method: "patch",
    path: "/",
    summary: "Set what is kept of mail logged from now on; mail logged before keeps what it kept (admin, audited)",
    middleware: [requireApiPermission("region.manage")],
    request: { body: jsonBody(MailRetentionInput) },
    responses: { 200: jsonContent(MailSettingsResponse, "The region's mail settings") },
  },
  async (c) => {
    const { retention } = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => setMailRetention(trx, scope, retention, meta)));
  },
);

const neverLogEntry = (entry: { id: string; pattern: string; droppedCount: number; createdAt: Date }) => ({
  id: entry.id, pattern: entry.pattern, droppedCount: entry.droppedCount, createdAt: entry.createdAt,
});

declareRoute(
  regionMailApi,
  {
    method: "get",
    path: "/never-log",
    summary: "The region's never-log list: addresses and domains whose mail is dropped unlogged, each with how many messages it dropped (admin)",
    middleware: [requireApiPermission("region.manage")],
    responses: { 200: jsonContent(z.object({ items: z.array(NeverLogEntryResponse), nextCursor: z.null() }), "The list") },
  },
  async (c) => {
    const entries = await listNeverLog(c.get("services").db, scopeOf(apiUser(c)));
    return c.json({ items: entries.filter((entry) => entry.forRegion).map(neverLogEntry), nextCursor: null });
  },
);

declareRoute(
  regionMailApi,
  {
    method: "post",
    path: "/never-log",
    summary: "Never log mail with this address (name@union.nl) or domain (union.nl, also its subdomains) in it; adding one that is listed already returns it (admin)",
    middleware: [requireApiPermission("region.manage")],
    request: { body: jsonBody(RegionNeverLogInput) },
    responses: { 201: jsonContent(NeverLogEntryResponse, "The entry") },
  },
  async (c) => {
    const { pattern } = c.req.valid("json");
    const entry = await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => addNeverLog(trx, scope, { pattern, forRegion: true }, meta));
    return c.json(neverLogEntry(entry), 201);
  },
);

declareRoute(
  regionMailApi,
  {
    method: "delete",
    path: "/never-log/{id}",
    summary: "Take an entry off the region's never-log list; mail with it in is logged again from now on (admin)",
    middleware: [requireApiPermission("region.manage")],
    request: { params: IdParam },
    responses: { 204: { description: "Removed" } },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => removeNeverLog(trx, scope, id, meta, "region"));
    return c.body(null, 204);
  },
);
