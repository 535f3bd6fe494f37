import { scopeOf } from "../../auth/current-user";
import { apiUser } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonContent } from "../../http/api-router";
import { SearchInput, SearchResponse } from "./search.schemas";
import { searchEverything } from "./search.service";

/** GET /api/v1/search?q=: organisations and people by name (people also by email and phone), typo-tolerant, within the caller's scope. */
export const searchApi = apiRouter();

declareRoute(
  searchApi,
  {
    method: "get",
    path: "/",
    summary:
      "Organisations and people by name: case- and accent-blind, tolerant of a letter missing, extra, wrong or two swapped; people also by their email address or a part of it with its @ or a dot (local part, domain) and by phone number however written (06 1234 5678 = +31 6 12345678), organisations by website domain for an email address or domain. Best matches first, `limit` of each kind with organisationsNextCursor/peopleNextCursor; a request with organisationsCursor or peopleCursor answers the next page of that kind only (a partner user: only its own organisation, no people)",
    request: { query: SearchInput },
    responses: { 200: jsonContent(SearchResponse, "What was found") },
  },
  async (c) => {
    const { q, ...options } = c.req.valid("query");
    return c.json(await searchEverything(c.get("services").db, scopeOf(apiUser(c)), q, options));
  },
);
