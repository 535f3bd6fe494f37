/*
 * Addresses of the web that Schakel stores and shows as links. Only http(s): a partner could store
 * `javascript:alert(1)` as its website, which zod's `z.url()` accepts and a page rendered as a link that
 * runs script when clicked (issue 14). No zod here: pages import
 * these in the browser.
 */

const WEB_PROTOCOLS = new Set(["http:", "https:"]);

/** Whether `value` is an absolute http(s) address with a host, as a browser would parse it. */
export function isWebAddress(value: unknown): value is string {
  if (typeof value !== "string" || value !== value.trim()) return false;
  try {
    const url = new URL(value);
    return WEB_PROTOCOLS.has(url.protocol) && url.hostname !== "" && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** The href for a stored web address: the address when it is http(s), otherwise none (show it as text). */
export function webHref(value: string | null | undefined): string | undefined {
  return isWebAddress(value) ? value : undefined;
}
