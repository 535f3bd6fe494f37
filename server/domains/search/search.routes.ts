import { Hono } from "hono";
import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { apiUser } from "../../http/api-auth";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { searchEverything } from "./search.service";

export const SearchInput = z.object({ q: z.string().max(200).default(""), limit: z.coerce.number().int().min(1).max(50).default(8) });

/** GET /api/v1/search?q=: organisations and people by name, typo-tolerant, within the caller's scope. */
export const searchApi = new Hono<HonoEnv>().get("/", async (c) => {
  const user = apiUser(c);
  const { q, limit } = parseInput(SearchInput, c.req.query());
  return c.json(await searchEverything(c.get("services").db, scopeOf(user), q, limit));
});
