import { scopeOf } from "../../auth/current-user";
import { apiUser } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonContent } from "../../http/api-router";
import { SearchInput, SearchResponse } from "./search.schemas";
import { searchEverything } from "./search.service";

/** GET /api/v1/search?q=: organisations and people by name, typo-tolerant, within the caller's scope. */
export const searchApi = apiRouter();

declareRoute(
  searchApi,
  {
    method: "get",
    path: "/",
    summary: "Organisations and people by name: case- and accent-blind, tolerant of typos (a partner user: only its own organisation, no people)",
    request: { query: SearchInput },
    responses: { 200: jsonContent(SearchResponse, "What was found") },
  },
  async (c) => {
    const { q, limit } = c.req.valid("query");
    return c.json(await searchEverything(c.get("services").db, scopeOf(apiUser(c)), q, limit));
  },
);
