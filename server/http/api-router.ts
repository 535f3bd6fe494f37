import { OpenAPIHono, type RouteConfig, type RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import { parseInput } from "../validation";
import { ErrorBody } from "./api-schemas";
import type { HonoEnv } from "./env";

/**
 * The API's routes are declared, not only registered: each names its request and response schemas,
 * and /api/v1/openapi.json is generated from those declarations (server/api.ts). The same schemas
 * validate the request, and in tests every JSON answer is checked against its declared schema, so
 * the contract and the code cannot drift apart (decision 101).
 */
export function apiRouter() {
  return new OpenAPIHono<HonoEnv>();
}

export type ApiRouter = ReturnType<typeof apiRouter>;

const ERROR_RESPONSES = Object.fromEntries(
  (
    [
      [400, "Bad input: fields holds one message per field"],
      [401, "Not signed in"],
      [403, "Not allowed for this role, or a second factor is required first"],
      [404, "Not found (also for another region's records)"],
      [409, "Stale version, or a duplicate (details.existingId)"],
      [422, "Refused by a rule"],
      [429, "Too many requests for this token or session: wait the seconds in Retry-After"],
    ] as const
  ).map(([status, description]) => [status, { description, content: { "application/json": { schema: ErrorBody } } }]),
);

/** `{ "application/json": { schema } }` for a route declaration. */
export const jsonContent = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { "application/json": { schema } } });

/** A request body declaration; `required: false` lets an empty body through as `{}`. */
export const jsonBody = <S extends z.ZodType>(schema: S, options: { required?: boolean } = {}) => ({
  required: options.required ?? true,
  content: { "application/json": { schema } },
});

type Handler<R extends RouteConfig> = (c: Parameters<RouteHandler<R, HonoEnv>>[0]) => Promise<Response> | Response;

/**
 * Declares one route on `router`: its request is validated with the declared schemas (a refusal
 * speaks the same field messages as every form, server/validation.ts), the common error answers
 * are added to its document, and in tests (CHECK_API_RESPONSES) its JSON answer is checked
 * against the declared schema for its status — an undeclared status or shape is a 500.
 */
export function declareRoute<R extends RouteConfig>(router: ApiRouter, config: R, handler: Handler<R>): void {
  const declared = { ...config, responses: { ...ERROR_RESPONSES, ...config.responses } };
  const checked = async (c: Context<HonoEnv>) => {
    const response = await handler(c as never);
    if (c.get("services").config.checkApiResponses) await assertDeclaredResponse(config, response);
    return response;
  };
  router.openapi(declared as R, checked as never, refuseInvalidInput(config) as never);
}

/** Turns a failed validation into the API's VALIDATION_FAILED answer, with Schakel's own field messages. */
function refuseInvalidInput(config: RouteConfig) {
  return (result: { success: boolean; target: string; data?: unknown }) => {
    if (result.success) return;
    const schema = requestSchema(config, result.target);
    // parseInput throws the AppError with translated field messages; the fallback never is reached
    // unless the two parses disagree.
    if (schema) parseInput(schema, result.data);
    throw new Error(`Request ${result.target} refused by its schema but accepted on a second parse`);
  };
}

function requestSchema(config: RouteConfig, target: string): z.ZodType | undefined {
  const request = config.request;
  if (!request) return undefined;
  if (target === "json") return (request.body?.content["application/json"] as { schema?: z.ZodType } | undefined)?.schema;
  if (target === "query") return request.query as z.ZodType | undefined;
  if (target === "param") return request.params as z.ZodType | undefined;
  return undefined;
}

/** A JSON answer whose status is not declared, or whose body does not match the declared schema, is a bug. */
async function assertDeclaredResponse(config: RouteConfig, response: Response) {
  if (!(response.headers.get("content-type") ?? "").includes("application/json")) return;
  const declared = config.responses[response.status] as { content?: Record<string, { schema?: z.ZodType }> } | undefined;
  if (!declared) throw new Error(`${config.method.toUpperCase()} ${config.path} answered ${response.status}, which its declaration does not list`);
  const schema = declared.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`${config.method.toUpperCase()} ${config.path} answered JSON for ${response.status} without a declared schema`);
  const result = schema.safeParse(await response.clone().json());
  if (!result.success) {
    throw new Error(`${config.method.toUpperCase()} ${config.path} answered ${response.status} outside its schema: ${z.prettifyError(result.error)}`);
  }
}
