import { z } from "zod";
import { ChangeRoleInput, InviteUserInput } from "./domains/users/users.schemas";

/**
 * The published contract at /api/v1/openapi.json. Request bodies come from the same zod schemas
 * the handlers validate with, so the document cannot drift from the code.
 */
const ErrorBody = z.object({
  error: z.object({
    code: z.enum(["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "RULE_VIOLATION", "RATE_LIMITED", "INTERNAL", "UNAVAILABLE"]),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

const User = z.object({
  id: z.uuid(), email: z.string(), name: z.string(), role: z.enum(["admin", "penvoerder", "accounthouder", "partner"]),
  regionId: z.uuid(), organisationId: z.uuid().nullable(), active: z.boolean(), invited: z.boolean(),
  locale: z.enum(["nl", "en"]), version: z.number().int(), createdAt: z.string(),
});

const json = (schema: z.ZodType) => ({ "application/json": { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) } });
const errors = Object.fromEntries(
  [["400", "Bad input"], ["401", "Not signed in"], ["403", "Not allowed"], ["404", "Not found (also for another region's records)"], ["409", "Stale version"], ["422", "Refused by a rule"]].map(
    ([status, description]) => [status, { description, content: json(ErrorBody) }],
  ),
);
const list = (item: z.ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const idParam = [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }];

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: { title: "Schakel API", version: "1" },
    servers: [{ url: "/api/v1" }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths: {
      "/me": { get: { summary: "The signed-in user", responses: { "200": { description: "The user", content: json(User) }, ...errors } } },
      "/users": {
        get: {
          summary: "Users of the caller's region (admin, penvoerder, accounthouder)",
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
            { name: "cursor", in: "query", schema: { type: "string" } },
          ],
          responses: { "200": { description: "A page of users", content: json(list(User)) }, ...errors },
        },
        post: {
          summary: "Invite a user (admin); the invitation goes through the email outbox",
          requestBody: { required: true, content: json(InviteUserInput) },
          responses: { "201": { description: "The invited user", content: json(User) }, ...errors },
        },
      },
      "/users/{id}": {
        get: { summary: "One user", parameters: idParam, responses: { "200": { description: "The user", content: json(User) }, ...errors } },
        patch: {
          summary: "Change a user's role (admin), with the version read",
          parameters: idParam,
          requestBody: { required: true, content: json(ChangeRoleInput) },
          responses: { "200": { description: "The changed user", content: json(User) }, ...errors },
        },
      },
      "/users/{id}/deactivate": {
        post: { summary: "Deactivate a user (admin)", parameters: idParam, responses: { "200": { description: "The user", content: json(User) }, ...errors } },
      },
    },
  };
}
