/**
 * The Content-Security-Policy of every download (issue 14): nothing loads, nothing runs, and the
 * file gets a unique opaque origin, so a document opened in the browser cannot act as Schakel.
 * Handlers may set it themselves; server/app.ts sets it on any `Content-Disposition: attachment`
 * answer that has none, and the global security headers never overwrite it.
 */
export const DOWNLOAD_CSP = "default-src 'none'; sandbox";
