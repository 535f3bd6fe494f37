import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { HEALTH_STATES, ORGANISATION_KINDS, ORGANISATION_STATUSES, TIERS } from "../../db/schema";
import { HealthBadge } from "../components/health";
import { ListOrganisationsInput } from "../../server/domains/organisations/organisations.schemas";
import { ORGANISATION_SORTS, SORT_DIRECTIONS } from "../../server/domains/lists/list-sorts";
import { SavedViews } from "../components/saved-views";
import { currentSort, SortHeader } from "../components/sort-header";
import type { FormErrors } from "../utils/forms.server";
import { savedViewsOf, saveViewAction } from "../utils/saved-views.server";
import { Alert } from "../components/ui/alert";
import { SelectField, TextField } from "../components/ui/field";
import { requirePermission } from "../utils/auth.server";
import { AppError } from "../../server/errors";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { userCan } from "../../server/auth/permissions";
import { useT } from "../utils/i18n";
import { RecordId } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Organisaties · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  const filters = parseInput(ListOrganisationsInput, params, user.locale);
  const [page, subregions, accountHolders, views] = await Promise.all([
    context.server.listOrganisations(context.db, scopeOf(user), filters),
    context.server.listSubregions(context.db, user.regionId),
    context.server.listAssignableUsers(context.db, user.regionId),
    savedViewsOf(context, user, "organisations", new URL(request.url)),
  ]);
  // Just archived from its page: name it here and offer to undo (only while it is still archived).
  const undoId = RecordId.safeParse(params.undo);
  const justArchived = undoId.success
    ? await context.server.getOrganisation(context.db, scopeOf(user), undoId.data).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "NOT_FOUND") return null;
        throw error;
      })
    : null;
  // Arrived from the health roll-up: say which school's relationships these are (decision 138).
  const school = filters.schoolId && filters.schoolYear
    ? { name: (await context.server.getOrganisation(context.db, scopeOf(user), filters.schoolId)).name, schoolYear: filters.schoolYear }
    : null;
  const names = new Map([...subregions, ...accountHolders].map((o) => [o.id, o.name]));
  const health = await context.server.healthStatesOf(context.db, scopeOf(user), page.items.map((o) => o.id));
  return {
    organisations: page.items.map((o) => ({
      id: o.id, name: o.name, kind: o.kind, city: o.city, tier: o.tier, status: o.status, tags: o.tags,
      subregion: o.subregionId ? names.get(o.subregionId) ?? "" : "",
      accountHolder: o.accountHolderId ? names.get(o.accountHolderId) ?? "" : "",
      health: health[o.id] ?? null,
    })),
    nextCursor: page.nextCursor,
    sort: currentSort(filters.sort, filters.dir),
    views,
    subregions,
    accountHolders,
    canCreate: userCan(user, "organisation.create"),
    canImport: userCan(user, "organisation.import"),
    justArchived: justArchived?.archivedAt ? { id: justArchived.id, name: justArchived.name } : null,
    school,
  };
}

/** "Weergave opslaan": the list's filters and sort kept under a name. */
export async function action({ context, request }: ActionFunctionArgs) {
  return saveViewAction(context, request, "organisations");
}

export default function OrganisationsPage() {
  const t = useT();
  const { organisations, nextCursor, sort, views, subregions, accountHolders, canCreate, canImport, justArchived, school } = useLoaderData<typeof loader>();
  const saveError = useActionData<FormErrors>();
  const [params] = useSearchParams();
  const nextParams = new URLSearchParams(params);
  nextParams.delete("undo");
  if (nextCursor) nextParams.set("cursor", nextCursor);
  const exportParams = (format: string) => {
    const all = new URLSearchParams(params);
    all.delete("cursor");
    all.set("format", format);
    return all;
  };
  const firstParams = new URLSearchParams(params);
  firstParams.delete("cursor");
  firstParams.delete("undo");
  const withoutSchool = new URLSearchParams(firstParams);
  withoutSchool.delete("schoolId");
  withoutSchool.delete("schoolYear");
  return (
    <div className="page">
      <div className="actions page-title">
        <h1>{t("organisations.title")}</h1>
        {canCreate ? <Link className="button" to="/organisations/new">{t("organisations.new")}</Link> : null}
        {canImport ? <Link className="button button-quiet" to="/imports/organisations">{t("organisations.import")}</Link> : null}
      </div>
      <p className="lead">{t("organisations.intro")}</p>
      {justArchived ? (
        <Alert tone="success">
          {t("archive.archivedOrganisation", { name: justArchived.name })}
          {canCreate ? (
            <Form method="post" action={`/organisations/${justArchived.id}`} className="inline-form">
              <input type="hidden" name="intent" value="restore" />
              <button type="submit" className="button button-small">{t("archive.undo")}</button>
            </Form>
          ) : null}
        </Alert>
      ) : null}
      <SavedViews list="organisations" {...views} error={saveError?.fields?.name ?? saveError?.fields?.query ?? saveError?.formError} />
      {school ? (
        <p>
          {t("organisations.dependingOnSchool", { school: school.name, schoolYear: school.schoolYear })}{" "}
          <Link to={`?${withoutSchool.toString()}`}>{t("organisations.allSchools")}</Link>
        </p>
      ) : null}
      <Form method="get" className="card filters" role="search">
        {school ? (
          <>
            <input type="hidden" name="schoolId" value={params.get("schoolId") ?? ""} />
            <input type="hidden" name="schoolYear" value={school.schoolYear} />
          </>
        ) : null}
        <TextField label={t("organisations.search")} name="q" type="search" defaultValue={params.get("q") ?? ""} />
        <SelectField label={t("organisations.fields.kind")} name="kind" defaultValue={params.get("kind") ?? ""}>
          <option value="">{t("organisations.all")}</option>
          {ORGANISATION_KINDS.map((kind) => <option key={kind} value={kind}>{t(`organisations.kinds.${kind}`)}</option>)}
        </SelectField>
        <SelectField label={t("organisations.fields.subregion")} name="subregionId" defaultValue={params.get("subregionId") ?? ""}>
          <option value="">{t("organisations.all")}</option>
          {subregions.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <SelectField label={t("organisations.fields.tier")} name="tier" defaultValue={params.get("tier") ?? ""}>
          <option value="">{t("organisations.all")}</option>
          {TIERS.map((tier) => <option key={tier} value={tier}>{t(`organisations.tiers.${tier}`)}</option>)}
        </SelectField>
        <SelectField label={t("organisations.health")} name="health" defaultValue={params.get("health") ?? ""}>
          <option value="">{t("organisations.all")}</option>
          {HEALTH_STATES.map((state) => <option key={state} value={state}>{t(`health.states.${state}`)}</option>)}
        </SelectField>
        <SelectField label={t("organisations.fields.status")} name="status" defaultValue={params.get("status") ?? ""}>
          <option value="">{t("organisations.all")}</option>
          {ORGANISATION_STATUSES.map((status) => <option key={status} value={status}>{t(`organisations.statuses.${status}`)}</option>)}
        </SelectField>
        <SelectField label={t("organisations.fields.accountHolder")} name="accountHolderId" defaultValue={params.get("accountHolderId") ?? ""}>
          <option value="">{t("organisations.all")}</option>
          {accountHolders.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </SelectField>
        <TextField label={t("organisations.fields.tags").replace(/ \(.*\)$/, "")} name="tag" defaultValue={params.get("tag") ?? ""} />
        <SelectField label={t("organisations.sortBy")} name="sort" defaultValue={sort.sort}>
          {ORGANISATION_SORTS.map((column) => <option key={column} value={column}>{t(`organisations.sorts.${column}`)}</option>)}
        </SelectField>
        <SelectField label={t("lists.direction")} name="dir" defaultValue={params.get("dir") ?? ""}>
          <option value="">{t("lists.directionDefault")}</option>
          {SORT_DIRECTIONS.map((dir) => <option key={dir} value={dir}>{t(`lists.${dir}`)}</option>)}
        </SelectField>
        <SelectField label={t("archive.show")} name="archived" defaultValue={params.get("archived") ?? ""}>
          <option value="">{t("archive.current")}</option>
          <option value="true">{t("archive.archivedOnly")}</option>
        </SelectField>
        <div className="actions">
          <button type="submit" className="button">{t("organisations.filter")}</button>
          <Link to="/organisations">{t("organisations.clear")}</Link>
        </div>
      </Form>
      {organisations.length === 0 ? (
        <p>{t("organisations.none")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <SortHeader column="name" current={sort}>{t("organisations.fields.name")}</SortHeader>
                <SortHeader column="kind" current={sort}>{t("organisations.fields.kind")}</SortHeader>
                <SortHeader column="city" current={sort}>{t("organisations.fields.city")}</SortHeader>
                <SortHeader column="subregion" current={sort}>{t("organisations.fields.subregion")}</SortHeader>
                <SortHeader column="tier" current={sort}>{t("organisations.fields.tier")}</SortHeader>
                <SortHeader column="accountHolder" current={sort}>{t("organisations.fields.accountHolder")}</SortHeader>
                <SortHeader column="health" current={sort}>{t("organisations.health")}</SortHeader>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link to={`/organisations/${o.id}`}>{o.name}</Link>
                    {o.status !== "active" ? <> <span className="badge">{t(`organisations.statuses.${o.status}`)}</span></> : null}
                  </td>
                  <td>{t(`organisations.kinds.${o.kind}`)}</td>
                  <td>{o.city}</td>
                  <td>{o.subregion}</td>
                  <td>{t(`organisations.tiers.${o.tier}`)}</td>
                  <td>{o.accountHolder}</td>
                  <td>{o.health ? <HealthBadge state={o.health} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="actions">
        <a href={`/organisations/export?${exportParams("csv")}`} download>{t("organisations.exportCsv")}</a>
        <a href={`/organisations/export?${exportParams("xlsx")}`} download>{t("organisations.exportXlsx")}</a>
        {params.get("cursor") ? <Link to={`?${firstParams}`}>{t("organisations.first")}</Link> : null}
        {nextCursor ? <Link to={`?${nextParams}`}>{t("organisations.next")} →</Link> : null}
      </p>
    </div>
  );
}
