import { type AppLoadContext, redirect } from "@remix-run/node";
import type { SavedViewList } from "../../db/schema";
import type { CurrentUser } from "../../server/auth/current-user";
import { scopeOf } from "../../server/auth/current-user";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "./auth.server";
import { formError, formValues } from "./forms.server";
import { SaveViewForm } from "./page-inputs.server";
import { parseInput } from "../../server/validation";

/**
 * What a list page shows of its saved views: the signed-in user's and those shared in the region,
 * the current address normalised as a view would store it (so the open view is marked), and
 * whether the user may save one.
 */
export type ListView = { id: string; name: string; query: string; shared: boolean; mine: boolean; createdByName: string };

export async function savedViewsOf(context: AppLoadContext, user: CurrentUser, list: SavedViewList, url: URL): Promise<{ views: ListView[]; currentQuery: string; canSave: boolean }> {
  const canSave = userCan(user, "view.save");
  if (!canSave) return { views: [], currentQuery: "", canSave };
  const views = await context.server.listSavedViews(context.db, scopeOf(user), list);
  let currentQuery = "";
  try {
    currentQuery = context.server.normaliseViewQuery(list, url.search);
  } catch {
    // An address the list refuses shows the list's own error; no view matches it.
  }
  return {
    views: views.map((view) => ({ id: view.id, name: view.name, query: view.query, shared: view.shared, mine: view.createdBy === user.id, createdByName: view.createdByName })),
    currentQuery,
    canSave,
  };
}

/** A list page's action: saves the list's current filters and sort as a view, then opens it. */
export async function saveViewAction(context: AppLoadContext, request: Request, list: SavedViewList) {
  const user = requirePermission(context, request, "view.save");
  try {
    const input = parseInput(SaveViewForm, { ...formValues(await request.formData()), list }, user.locale);
    const view = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.createSavedView(trx, scope, input, meta));
    return redirect(`/${list}${view.query ? `?${view.query}` : ""}`);
  } catch (error) {
    return formError(error, user.locale);
  }
}
