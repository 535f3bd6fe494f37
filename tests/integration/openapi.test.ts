import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApi, openApiDocumentOf } from "../../server/api";
import { apiRouter, declareRoute, jsonContent } from "../../server/http/api-router";
import { apiRouteKey, apiRoutes } from "../support/route-inventory";

type Operation = { responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> };
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function documentedRoutes(): Map<string, Operation> {
  const document = JSON.parse(JSON.stringify(openApiDocumentOf(createApi()))) as { paths: Record<string, Record<string, Operation>> };
  const routes = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) routes.set(`${method.toUpperCase()} /api/v1${path.replace(/\{(\w+)\}/g, ":$1").replace(/\/$/, "") || ""}`, operation);
    }
  }
  return routes;
}

describe("GET /api/v1/openapi.json, generated from the route declarations", () => {
  const served = apiRoutes()
    .filter((route) => !route.path.endsWith("/openapi.json"))
    .map((route) => apiRouteKey({ ...route, path: route.path.replace(/\/$/, "") }));
  const documented = documentedRoutes();

  it("documents every route the API serves", () => {
    expect(served.filter((key) => !documented.has(key))).toEqual([]);
  });

  it("serves every route it documents", () => {
    expect([...documented.keys()].filter((key) => !served.includes(key))).toEqual([]);
  });

  it("gives every success answer a schema with a shape, not a bare object", () => {
    const vague: string[] = [];
    for (const [key, operation] of documented) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!status.startsWith("2") || status === "204") continue;
        const schemas = Object.values(response.content ?? {}).map((content) => content.schema);
        const described = schemas.some((schema) => schema && (schema.properties || schema.oneOf || schema.anyOf || schema.items || schema.$ref || (schema.type && schema.type !== "object")));
        if (!described) vague.push(`${key} ${status}`);
      }
    }
    expect(vague).toEqual([]);
  });

  it("renders request bodies from the validating schemas", () => {
    const document = JSON.parse(JSON.stringify(openApiDocumentOf(createApi())));
    expect(document.paths["/interactions"].post.requestBody.content["application/json"].schema.properties.summary).toBeDefined();
    expect(document.components.securitySchemes.bearer).toEqual({ type: "http", scheme: "bearer" });
  });
});

describe("an answer outside its declared schema", () => {
  function appAnswering(body: unknown, status: 200 | 201) {
    const router = apiRouter();
    router.use("*", async (c, next) => {
      c.set("services", { config: { checkApiResponses: true } } as never);
      await next();
    });
    router.onError((error, c) => c.json({ message: error.message }, 500));
    declareRoute(router, { method: "get", path: "/thing", responses: { 200: jsonContent(z.object({ name: z.string() }), "A thing") } }, (c) => c.json(body as never, status));
    return router;
  }

  it("is refused as a server error when the tests check answers", async () => {
    const wrongShape = await appAnswering({ name: 1 }, 200).request("/thing");
    expect(wrongShape.status).toBe(500);
    expect(((await wrongShape.json()) as { message: string }).message).toMatch(/outside its schema/);
    const undeclaredStatus = await appAnswering({ name: "x" }, 201).request("/thing");
    expect(undeclaredStatus.status).toBe(500);
    expect(((await undeclaredStatus.json()) as { message: string }).message).toMatch(/does not list/);
  });

  it("passes when it matches", async () => {
    const response = await appAnswering({ name: "x" }, 200).request("/thing");
    expect(response.status).toBe(200);
  });
});
