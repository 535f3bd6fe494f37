import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam } from "../../http/api-schemas";
import { CreateTaskInput, ListTasksInput, TaskListResponse, TaskResponse, UpdateTaskInput } from "./tasks.schemas";
import { createTask, listMyTasks, updateTaskStatus } from "./tasks.service";

// Tasks are the follow-ups of the region's staff; partners have none (yet).

/** /api/v1/tasks: the caller's own follow-ups; created by hand or by Schakel, done with one PATCH. */
export const tasksApi = apiRouter();

declareRoute(
  tasksApi,
  {
    method: "get",
    path: "/",
    summary: "The caller's own tasks, by due date, with isOverdue",
    middleware: [requireApiPermission("region.read")],
    request: { query: ListTasksInput },
    responses: { 200: jsonContent(TaskListResponse, "The caller's tasks of that status") },
  },
  async (c) => {
    const user = apiUser(c);
    const { status } = c.req.valid("query");
    const { db, clock } = c.get("services");
    return c.json(await listMyTasks(db, scopeOf(user), user.id, { status, today: clock.today() }));
  },
);

declareRoute(
  tasksApi,
  {
    method: "post",
    path: "/",
    summary: "Create a task; without assigneeId it is the caller's own",
    middleware: [requireApiPermission("task.write")],
    request: { body: jsonBody(CreateTaskInput) },
    responses: { 201: jsonContent(TaskResponse, "The task") },
  },
  async (c) => {
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => createTask(trx, scope, input, meta)), 201);
  },
);

declareRoute(
  tasksApi,
  {
    method: "patch",
    path: "/{id}",
    summary: "Mark done or open again, with the version read (409 when stale)",
    middleware: [requireApiPermission("task.write")],
    request: { params: IdParam, body: jsonBody(UpdateTaskInput) },
    responses: { 200: jsonContent(TaskResponse, "The task") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updateTaskStatus(trx, scope, id, input, meta)));
  },
);
