import { z } from "zod";

/** The kinds of file kept as evidence or as a signed agreement (by their content, see sniffDocumentType). */
export const DOCUMENT_TYPES = ["application/pdf", "image/png", "image/jpeg"] as const;

/** A stored document as a record's answer names it (the file itself is GET /documents/{id}). */
export const DocumentResponse = z.object({ id: z.uuid(), fileName: z.string(), contentType: z.enum(DOCUMENT_TYPES), sizeBytes: z.number().int() });

/** The 200 of a document download: the file in its own type. */
export const documentFileContent = Object.fromEntries(DOCUMENT_TYPES.map((type) => [type, { schema: z.string() }])) as Record<(typeof DOCUMENT_TYPES)[number], { schema: z.ZodString }>;

type JsonSchema = Record<string, unknown>;

/**
 * The request body of a route that takes JSON or a multipart upload (evidence, a signed agreement).
 * Both are documented, as plain JSON Schema rather than zod, so the route declaration validates
 * neither: the handler reads the body itself, after the upload gate and within the size limit
 * (server/app.ts), and parses the JSON with the same schema, so its refusals are as before.
 */
export function uploadBody(json: JsonSchema, multipart: JsonSchema) {
  return {
    required: true,
    content: {
      "application/json": { schema: json },
      "multipart/form-data": { schema: multipart },
    },
  };
}

/** A request schema as the JSON Schema of what is sent (before defaults and transforms). */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
}
