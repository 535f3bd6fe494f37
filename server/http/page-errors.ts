import type { ServerBuild } from "@remix-run/server-runtime";
import type { AppError } from "../errors";

/**
 * The Remix build with every page loader and action wrapped, so a route module says what it needs
 * and lets the domain's errors speak (decision 134):
 * - NOT_FOUND answers the 404 page, whether the address held no id, an id of nothing, or a record
 *   of another region — the same answer for each, so an address tells nothing about other regions;
 * - FORBIDDEN answers the 403 page;
 * - a body read past its limit answers 413 (and is not logged as a fault);
 * - from a loader, VALIDATION_FAILED is the address's fault (a crafted `?cursor=`, an unknown
 *   `?format=`) and answers the 400 page ("this address is not right", app/root.tsx) instead of a
 *   500, as the API answers 400 VALIDATION_FAILED. An action's validation errors belong next to its
 *   form's fields: the action catches them itself (formError), and only what it lets through
 *   arrives here.
 */
export function withAddressErrorsAsBadRequest(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const { loader, action } = route.module;
    const module = { ...route.module };
    if (loader) {
      module.loader = async (args) => {
        try {
          return await loader(args);
        } catch (error) {
          throw asPageAnswer(error, { addressOnly: true });
        }
      };
    }
    if (action) {
      module.action = async (args) => {
        try {
          return await action(args);
        } catch (error) {
          throw asPageAnswer(error, { addressOnly: false });
        }
      };
    }
    routes[id] = { ...route, module };
  }
  return { ...build, routes };
}

function asPageAnswer(error: unknown, { addressOnly }: { addressOnly: boolean }): unknown {
  // A form read past the body limit (server/http/body-limit.ts) is the sender's doing, not a fault to
  // log: the limit's own 413 replaces whatever the page answers.
  if (error instanceof Error && error.name === "BodyTooLargeError") return new Response("Payload too large", { status: 413 });
  switch (appErrorCode(error)) {
    case "NOT_FOUND":
      return new Response("Not found", { status: 404 });
    case "FORBIDDEN":
      return new Response("Forbidden", { status: 403 });
    case "VALIDATION_FAILED":
      return addressOnly ? new Response((error as Error).message, { status: 400 }) : error;
    default:
      return error;
  }
}

/**
 * An AppError's code, recognised by its shape: the Remix build carries its own copy of
 * server/errors.ts, so `instanceof` would not see the loaders' errors.
 */
function appErrorCode(error: unknown): AppError["code"] | undefined {
  return error instanceof Error && error.name === "AppError" ? (error as AppError).code : undefined;
}
