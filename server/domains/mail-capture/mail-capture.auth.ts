import type { MailAddress } from "./mail-capture.forwards";

/**
 * Who may log (issue 16, decision 111): the envelope sender and the one From: address must both be
 * the logging address's owner (their sign-in address or a confirmed further address). Neither is
 * proof on its own (both are written by the sender); what makes a forgery hard is that the logging
 * address itself is an unguessable secret of its owner, and that a relay's DKIM/SPF verdict, when
 * present, must not be a failure.
 */

/** Why a sender is refused, or null when both addresses are the owner's. */
export function senderRefusal(allowed: Set<string>, envelopeFrom: string | null, headerFrom: MailAddress[]): string | null {
  const envelope = envelopeFrom?.trim().toLowerCase().replace(/^<|>$/g, "") ?? "";
  if (!envelope) return "The message has no envelope sender (MAIL FROM / Return-Path); only its owner may log to a logging address";
  if (!allowed.has(envelope)) return "The envelope sender is not the owner of this logging address (nor one of their confirmed addresses)";
  if (headerFrom.length !== 1) return "The message must have exactly one From: address";
  if (!allowed.has(headerFrom[0]!.address)) return "The From: address is not the owner of this logging address (nor one of their confirmed addresses)";
  return null;
}

export type AuthenticationVerdicts = { dkim?: string; spf?: string; dmarc?: string };

/**
 * A failed DKIM, SPF or DMARC check in the results a trusted relay added, as a refusal reason, or
 * null. Trusted: the Authentication-Results headers of the configured authserv-ids
 * (INBOUND_TRUSTED_AUTHSERV_IDS), or with none configured the topmost one, which the last hop added;
 * and the topmost Received-SPF. Only failures count: a "pass" anyone could have written proves
 * nothing, and is never a reason to accept. `verdicts` are checks the caller made itself.
 */
export function authenticationRefusal(
  headers: { authenticationResults: string[]; receivedSpf: string[] },
  trustedAuthservIds: string[],
  verdicts: AuthenticationVerdicts = {},
): string | null {
  for (const [method, result] of Object.entries(verdicts)) {
    if (result && /^(fail|permerror)$/i.test(result)) return `The message failed the ${method.toUpperCase()} check`;
  }
  const results = trustedAuthservIds.length
    ? headers.authenticationResults.filter((value) => trustedAuthservIds.includes(authservIdOf(value)))
    : headers.authenticationResults.slice(0, 1);
  for (const value of results) {
    const methods = resultsOf(value);
    if (methods.dkim.includes("fail") && !methods.dkim.includes("pass")) return "A trusted relay found the message's DKIM signature invalid (dkim=fail)";
    if (methods.spf.includes("fail")) return "A trusted relay found the sending server not allowed by the domain's SPF (spf=fail)";
    if (methods.dmarc.includes("fail")) return "A trusted relay found the message failing the domain's DMARC policy (dmarc=fail)";
  }
  const spf = headers.receivedSpf[0]?.trim().split(/[\s(;]/)[0]?.toLowerCase();
  if (spf === "fail") return "A trusted relay found the sending server not allowed by the domain's SPF (Received-SPF: fail)";
  return null;
}

function authservIdOf(value: string): string {
  return (value.split(";")[0] ?? "").trim().split(/\s+/)[0]?.toLowerCase() ?? "";
}

function resultsOf(value: string): { dkim: string[]; spf: string[]; dmarc: string[] } {
  const found = { dkim: [] as string[], spf: [] as string[], dmarc: [] as string[] };
  // Comments in parentheses may hold anything, "dkim=fail" included: they are not results.
  const withoutComments = value.replace(/\([^()]*\)/g, " ");
  for (const match of withoutComments.matchAll(/\b(dkim|spf|dmarc)\s*=\s*([a-z]+)/gi)) {
    found[match[1]!.toLowerCase() as keyof typeof found].push(match[2]!.toLowerCase());
  }
  return found;
}
