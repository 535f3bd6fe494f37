import type { ServerBuild } from "@remix-run/server-runtime";
import type { AppError } from "../errors";

/**
 * The Remix build with every page loader wrapped: a loader only reads its address, so a
 * VALIDATION_FAILED it throws (a crafted `?cursor=`, an unknown `?format=`) is the address's fault
 * and answers a 400 page ("this address is not right", app/root.tsx) instead of a 500. The API
 * answers the same error with 400 VALIDATION_FAILED (issue 14). Actions keep their own handling
 * (formError), as their validation errors belong next to the form's fields.
 */
export function withAddressErrorsAsBadRequest(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const loader = route.module.loader;
    if (!loader) {
      routes[id] = route;
      continue;
    }
    const wrapped: typeof loader = async (args) => {
      try {
        return await loader(args);
      } catch (error) {
        if (isValidationFailure(error)) throw new Response(error.message, { status: 400 });
        throw error;
      }
    };
    routes[id] = { ...route, module: { ...route.module, loader: wrapped } };
  }
  return { ...build, routes };
}

/**
 * An AppError of code VALIDATION_FAILED, recognised by its shape: the Remix build carries its own
 * copy of server/errors.ts (STACK.md pitfall 6), so `instanceof` would not see the loaders' errors.
 */
function isValidationFailure(error: unknown): error is AppError {
  return error instanceof Error && (error as Partial<AppError>).code === "VALIDATION_FAILED";
}
