import { describe, expect, it } from "vitest";
import { createApi } from "../../server/api";
import { openApiDocument } from "../../server/openapi";

describe("GET /api/v1/openapi.json", () => {
  it("describes every path the API serves", () => {
    const documented = new Set(Object.keys(openApiDocument().paths).map((path) => path.replace(/\{(\w+)\}/g, ":$1")));
    const served = new Set(
      createApi()
        .routes.map((route) => route.path)
        .filter((path) => !path.includes("*") && path !== "/openapi.json")
        .map((path) => path.replace(/\/$/, "") || "/"),
    );
    const missing = [...served].filter((path) => !documented.has(path));
    expect(missing).toEqual([]);
  });

  it("renders its request bodies as JSON Schema", () => {
    const document = openApiDocument();
    expect(JSON.parse(JSON.stringify(document)).paths["/organisations"].post.requestBody.content["application/json"].schema.properties.kvkNumber).toBeDefined();
  });
});
