import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { NonceContext } from "./utils/nonce";

/**
 * Renders the page to one string; every script carries the request's CSP nonce, so no inline script
 * runs without it. No page defers data (no `defer`, `<Await>` or `Suspense`), so streaming the
 * render sent the same bytes at once anyway, through a Node stream turned into a web stream and
 * back (issue 7: that plumbing cost more CPU per page than the rendering it carried).
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const html = renderToString(
    <NonceContext.Provider value={loadContext.nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={loadContext.nonce} />
    </NonceContext.Provider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode });
}

/**
 * Remix reports errors here. A 404 or 403 is an answer, not a fault, so only the rest is logged
 * (through console.error, which the test setup turns into a failure).
 */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status < 500) return;
  console.error(error);
}
