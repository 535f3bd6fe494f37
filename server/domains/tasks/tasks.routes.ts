import { Hono } from "hono";
import { z } from "zod";
import type { Role } from "../../../db/schema";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { CreateTaskInput, ListTasksInput, UpdateTaskInput } from "./tasks.schemas";
import { createTask, listMyTasks, updateTaskStatus } from "./tasks.service";

const TaskId = z.object({ id: z.uuid() });
// Tasks are the follow-ups of the region's staff; partners have none (yet).
const STAFF: Role[] = ["admin", "penvoerder", "accounthouder"];

/** /api/v1/tasks: the caller's own follow-ups; created by hand or by Schakel, done with one PATCH. */
export const tasksApi = new Hono<HonoEnv>()
  .get("/", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { status } = parseInput(ListTasksInput, c.req.query());
    const { db, clock } = c.get("services");
    return c.json(await listMyTasks(db, scopeOf(user), user.id, { status, today: clock.today() }));
  })
  .post("/", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const input = parseInput(CreateTaskInput, await readJson(c));
    const { db, clock } = c.get("services");
    const created = await db.transaction().execute((trx) => createTask(trx, scopeOf(user), input, { actor: user, now: clock.now() }));
    return c.json(created, 201);
  })
  .patch("/:id", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(TaskId, c.req.param());
    const input = parseInput(UpdateTaskInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => updateTaskStatus(trx, scopeOf(user), id, input, { actor: user, now: clock.now() })));
  });
