import { limitApiRequest } from "../../auth/rate-limit";
import { hashSecret } from "../../auth/secrets";
import { runInRegionScope } from "../../db/region-scope";
import { AppError } from "../../errors";
import { apiRouter, declareRoute, jsonContent } from "../../http/api-router";
import { IngestOutcomeResponse } from "./mail-capture.schemas";
import { loggingTokenOf } from "./mail-capture.addresses";
import { ingestMessage, withIngestSlot } from "./mail-capture.service";
import { regionOfInboundSecret } from "./mail-capture.settings";

/** The address of the endpoint, for the app's body limit and authentication (server/app.ts). */
export const INBOUND_MAIL_PATH = "/api/v1/inbound/mail";
const BUSY_RETRY_AFTER_SECONDS = 5;
/** A relay's request waits this long for an ingest slot before it hears 503. */
const SLOT_WAIT_MS = 2_000;

/**
 * POST /api/v1/inbound/mail (decision 113): a mail provider relays a raw message (Content-Type
 * message/rfc822) with `Authorization: Bearer <the region's inbound secret>`, which says the region.
 * The recipient is `X-Schakel-Recipient`, else the first logging address in the message's
 * Delivered-To/X-Original-To/To/Cc; the envelope sender `X-Schakel-Envelope-From`, else its
 * Return-Path. Answers 202 with the outcome, or the API's error shape: 401 (secret), 404 (no such
 * logging address in the region), 403 (not its owner, or a failed DKIM/SPF verdict), 400 (not a
 * message), 413 (over 10 MB), 429 (rate), 503 with Retry-After (busy: send again).
 */
export const inboundMailApi = apiRouter();

declareRoute(
  inboundMailApi,
  {
    method: "post",
    path: "/mail",
    summary:
      "A mail provider relays one raw message to a logging address, authenticated by the region's inbound secret (not a user's token); 503 with Retry-After when busy",
    security: [{ inboundSecret: [] }],
    request: { body: { required: true, content: { "message/rfc822": { schema: { type: "string", format: "binary" } } } } },
    responses: { 202: jsonContent(IngestOutcomeResponse, "What became of the message: logged, unmatched (Te koppelen), a duplicate, or dropped (never-log)") },
  },
  async (c) => {
    const { db, clock, config } = c.get("services");
    const secret = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const regionId = secret ? await regionOfInboundSecret(db, secret) : null;
    if (!secret || !regionId) throw new AppError("UNAUTHENTICATED", "Send the region's inbound secret as 'Authorization: Bearer <secret>'");
    const limit = await limitApiRequest(db, { kind: "token", id: hashSecret(secret) }, config.apiRateLimit, clock.now());
    if (!limit.allowed) {
      c.header("Retry-After", String(limit.retryAfterSeconds));
      throw new AppError("RATE_LIMITED", `Too many messages: retry after ${limit.retryAfterSeconds} s`);
    }
    if (!/^message\/rfc822\b/i.test(c.req.header("content-type") ?? "")) throw new AppError("VALIDATION_FAILED", "Send the raw message with Content-Type: message/rfc822");
    // The app's body limit (10 MB here) counts the body as it streams in and answers 413 itself past it.
    const raw = Buffer.from(await c.req.arrayBuffer());
    if (!raw.length) throw new AppError("VALIDATION_FAILED", "The body is empty: send the raw message");
    const header = headerSection(raw);
    const recipient = c.req.header("x-schakel-recipient")?.trim() || recipientOf(header);
    if (!recipient) throw new AppError("VALIDATION_FAILED", "No logging address: name it in X-Schakel-Recipient, or send the message as delivered to it");
    const envelopeFrom = c.req.header("x-schakel-envelope-from")?.trim() || returnPathOf(header);
    const outcome = await withIngestSlot(
      // Row-level security limits every statement to the secret's region (decision 073).
      () => runInRegionScope(regionId, () => ingestMessage(db, { recipient, envelopeFrom, raw, via: "http", regionId }, { now: clock.now(), trustedAuthservIds: config.inboundMail.trustedAuthservIds })),
      { waitMs: SLOT_WAIT_MS },
    );
    if (!outcome) {
      c.header("Retry-After", String(BUSY_RETRY_AFTER_SECONDS));
      throw new AppError("UNAVAILABLE", `Schakel is busy logging other mail; send it again in ${BUSY_RETRY_AFTER_SECONDS} seconds`);
    }
    return c.json(outcome, 202);
  },
);

/** The message's header section, unfolded, as lines. */
function headerSection(raw: Buffer): string[] {
  const text = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  return (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/);
}

function recipientOf(lines: string[]): string | null {
  for (const name of ["delivered-to", "x-original-to", "envelope-to", "to", "cc"]) {
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon === -1 || line.slice(0, colon).trim().toLowerCase() !== name) continue;
      for (const candidate of line.slice(colon + 1).match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []) {
        if (loggingTokenOf(candidate)) return candidate.toLowerCase();
      }
    }
  }
  return null;
}

function returnPathOf(lines: string[]): string | null {
  const line = lines.find((l) => /^return-path\s*:/i.test(l));
  if (!line) return null;
  const value = line.slice(line.indexOf(":") + 1).trim();
  return (/<([^>]*)>/.exec(value)?.[1] ?? value).trim().toLowerCase() || null;
}
