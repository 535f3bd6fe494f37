import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/server-runtime";
import { createApi } from "../../server/api";

/**
 * Every address Schakel answers, read from the code itself rather than from a list someone keeps:
 * the Remix build's route manifest (pages, with whether they load and act) and the Hono API's own
 * route table. Tests that must cover "every route" (the authorization matrix, hostile forms)
 * enumerate these, so a route added tomorrow is covered, or fails the test, without anyone remembering.
 */

export type PageRoute = {
  /** The Remix route id, e.g. "routes/organisations.$id". */
  id: string;
  /** The URL pattern with Remix's parameters, e.g. "/organisations/:id". */
  path: string;
  hasLoader: boolean;
  hasAction: boolean;
  /** Whether it renders a page (a component), rather than answering a file or a redirect only. */
  rendersPage: boolean;
};

export type ApiRoute = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Under /api/v1, with Hono's parameters, e.g. "/api/v1/organisations/:id". */
  path: string;
};

const BUILD_PATH = path.resolve("build/index.js");

/** The page routes of the production build (`npx remix build` first; `npm test` does). The root layout is not an address. */
export async function pageRoutes(): Promise<PageRoute[]> {
  if (!existsSync(BUILD_PATH)) throw new Error(`No Remix build at ${BUILD_PATH}: run "npx remix build" first.`);
  const build = (await import(/* @vite-ignore */ pathToFileURL(BUILD_PATH).href)) as ServerBuild;
  const routes = Object.values(build.routes);
  const byId = new Map(routes.map((route) => [route.id, route]));
  const fullPath = (id: string | undefined): string => {
    const route = id ? byId.get(id) : undefined;
    if (!route) return "";
    const parent = fullPath(route.parentId);
    return route.path ? `${parent}/${route.path}` : parent;
  };
  return routes
    .filter((route) => route.id !== "root")
    .map((route) => ({
      id: route.id,
      path: fullPath(route.id) || "/",
      hasLoader: typeof route.module.loader === "function",
      hasAction: typeof route.module.action === "function",
      rendersPage: typeof route.module.default === "function",
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/** The API's endpoints as Hono routes them; middleware registrations (method ALL) are not endpoints. */
export function apiRoutes(): ApiRoute[] {
  const seen = new Set<string>();
  const result: ApiRoute[] = [];
  for (const route of createApi().routes) {
    if (!METHODS.has(route.method)) continue;
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ method: route.method as ApiRoute["method"], path: `/api/v1${route.path}` });
  }
  return result.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** "GET /api/v1/organisations/:id" or "/organisations/:id": the key a test's table of expectations uses. */
export function apiRouteKey(route: ApiRoute): string {
  return `${route.method} ${route.path}`;
}
