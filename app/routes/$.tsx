import type { LoaderFunctionArgs } from "@remix-run/node";

/**
 * Any address no other route knows. Its loader answers 404 so that the root's error boundary shows
 * the not-found page inside the usual frame: the root loader has run, so a signed-in visitor keeps
 * the menu, and the page hydrates like every other.
 */
export function loader(_args: LoaderFunctionArgs): never {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
