import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { PEOPLE_SORTS, SORT_DIRECTIONS } from "../../server/domains/lists/list-sorts";
import { ListPeopleInput } from "../../server/domains/people/people.schemas";
import { SavedViews } from "../components/saved-views";
import { currentSort, SortHeader } from "../components/sort-header";
import { SelectField, TextField } from "../components/ui/field";
import { parseInput } from "../../server/validation";
import { requirePermission } from "../utils/auth.server";
import type { FormErrors } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { savedViewsOf, saveViewAction } from "../utils/saved-views.server";

export const meta: MetaFunction = () => [{ title: "Personen · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const url = new URL(request.url);
  const params = Object.fromEntries([...url.searchParams].filter(([, value]) => value !== ""));
  const filters = parseInput(ListPeopleInput, params, user.locale);
  const [page, views] = await Promise.all([context.server.listPeople(context.db, user.regionId, filters), savedViewsOf(context, user, "people", url)]);
  return {
    people: page.items.map((p) => ({ id: p.id, name: p.name, email: p.email, phone: p.phone, optOut: p.optOut, organisationName: p.organisationName })),
    nextCursor: page.nextCursor,
    sort: currentSort(filters.sort, filters.dir),
    views,
  };
}

/** "Weergave opslaan": the list's filters and sort kept under a name. */
export async function action({ context, request }: ActionFunctionArgs) {
  return saveViewAction(context, request, "people");
}

/** Every contact person of the region with where they work now, filtered and sorted, in keyset pages. */
export default function PeoplePage() {
  const t = useT();
  const { people, nextCursor, sort, views } = useLoaderData<typeof loader>();
  const saveError = useActionData<FormErrors>();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
  const first = new URLSearchParams(params);
  first.delete("cursor");
  return (
    <div className="page">
      <h1>{t("people.title")}</h1>
      <SavedViews list="people" {...views} error={saveError?.fields?.name ?? saveError?.fields?.query ?? saveError?.formError} />
      <Form method="get" role="search" className="card filters">
        <TextField label={t("organisations.search")} name="q" type="search" defaultValue={params.get("q") ?? ""} />
        <TextField label={t("people.worksAt")} name="organisation" type="search" defaultValue={params.get("organisation") ?? ""} />
        <SelectField label={t("people.hasEmail")} name="hasEmail" defaultValue={params.get("hasEmail") ?? ""}>
          <option value="">{t("organisations.all")}</option>
          <option value="true">{t("people.hasEmailYes")}</option>
          <option value="false">{t("people.hasEmailNo")}</option>
        </SelectField>
        <SelectField label={t("people.left")} name="left" defaultValue={params.get("left") ?? ""}>
          <option value="">{t("organisations.all")}</option>
          <option value="false">{t("people.leftNo")}</option>
          <option value="true">{t("people.leftYes")}</option>
        </SelectField>
        <SelectField label={t("organisations.sortBy")} name="sort" defaultValue={sort.sort}>
          {PEOPLE_SORTS.map((column) => <option key={column} value={column}>{t(`people.sorts.${column}`)}</option>)}
        </SelectField>
        <SelectField label={t("lists.direction")} name="dir" defaultValue={params.get("dir") ?? ""}>
          <option value="">{t("lists.directionDefault")}</option>
          {SORT_DIRECTIONS.map((dir) => <option key={dir} value={dir}>{t(`lists.${dir}`)}</option>)}
        </SelectField>
        {params.get("organisationId") ? <input type="hidden" name="organisationId" value={params.get("organisationId") ?? ""} /> : null}
        <div className="actions">
          <button type="submit" className="button">{t("organisations.filter")}</button>
          <Link to="/people">{t("organisations.clear")}</Link>
        </div>
      </Form>
      {people.length === 0 ? (
        <p>{t("people.none")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <SortHeader column="name" current={sort}>{t("common.name")}</SortHeader>
                <SortHeader column="organisation" current={sort}>{t("people.organisation")}</SortHeader>
                <SortHeader column="email" current={sort}>{t("common.email")}</SortHeader>
                <th scope="col">{t("contacts.phone")}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/people/${p.id}`}>{p.name}</Link>
                    {p.optOut ? <> <span className="badge">{t("people.optOut")}</span></> : null}
                  </td>
                  <td>{p.organisationName}</td>
                  <td>{p.email}</td>
                  <td>{p.phone}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="actions">
        {params.get("cursor") ? <Link to={`?${first}`}>{t("organisations.first")}</Link> : null}
        {nextCursor ? <Link to={`?${next}`}>{t("organisations.next")} →</Link> : null}
      </p>
    </div>
  );
}
