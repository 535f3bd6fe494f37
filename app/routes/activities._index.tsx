import { schoolYearOf } from "../../calendar/school-year";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ACTIVITY_STATUSES, ACTIVITY_TYPES } from "../../db/schema";
import { ListActivitiesInput } from "../../server/domains/activities/activities.schemas";
import { ACTIVITY_WHEN, type ActivityWhen, VMBO_PROFILES } from "../../server/domains/activities/activities.fields";
import { ACTIVITY_SORTS, activityDirection, SORT_DIRECTIONS } from "../../server/domains/lists/list-sorts";
import { SavedViews } from "../components/saved-views";
import { SortHeader } from "../components/sort-header";
import { SelectField } from "../components/ui/field";
import { addDays } from "../../calendar/days";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import type { FormErrors } from "../utils/forms.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { savedViewsOf, saveViewAction } from "../utils/saved-views.server";

export const meta: MetaFunction = () => [{ title: "Activiteiten · Schakel" }];

/** The address keys that only sort the list: a tab without filters is still "nothing planned" when it is empty. */
const SORT_KEYS = new Set(["when", "sort", "dir", "order"]);

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const url = new URL(request.url);
  const { when: asked, ...params } = Object.fromEntries([...url.searchParams].filter(([, value]) => value !== ""));
  const today = toLocalDate(context.clock.now());
  // The list opens on what is coming, soonest first (an internship under way included); what is
  // over is one tab away, latest first. A sort chosen on the page wins over the tab's date order.
  const when: ActivityWhen = ACTIVITY_WHEN.find((value) => value === asked) ?? "upcoming";
  const window = when === "upcoming" ? { from: today, order: "soonest" } : when === "past" ? { to: addDays(today, -1), order: "newest" } : {};
  const filters = parseInput(ListActivitiesInput, { ...params, ...window }, user.locale);
  const [page, subregions, views] = await Promise.all([
    context.server.listActivities(context.db, scopeOf(user), filters),
    context.server.listSubregions(context.db, user.regionId),
    savedViewsOf(context, user, "activities", url),
  ]);
  // This school year, the two before it and the next one: what people plan and report on.
  const current = Number(schoolYearOf(today).slice(0, 4));
  const schoolYears = [current + 1, current, current - 1, current - 2].map((year) => `${year}-${year + 1}`);
  return {
    activities: page.items.map((a) => ({
      id: a.id, type: a.type, title: a.title, status: a.status, startDate: a.startDate, endDate: a.endDate, startTime: a.startTime,
      organisations: a.organisations.map((o) => o.name), pupilsReached: a.pupilsReached,
    })),
    nextCursor: page.nextCursor,
    when,
    sort: { sort: filters.sort, dir: activityDirection(filters.sort, filters.dir, filters.order) },
    views,
    subregions,
    schoolYears,
    canCreate: userCan(user, "activity.write"),
  };
}

/** "Weergave opslaan": the list's tab, filters and sort kept under a name. */
export async function action({ context, request }: ActionFunctionArgs) {
  return saveViewAction(context, request, "activities");
}

/**
 * The region's activities, what is coming first, filtered by type, status, school year, subregion
 * and profile, sorted on a column, and kept as saved views.
 */
export default function ActivitiesPage() {
  const t = useT();
  const locale = useLocale();
  const { activities, nextCursor, when, sort, views, subregions, schoolYears, canCreate } = useLoaderData<typeof loader>();
  const saveError = useActionData<FormErrors>();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
  const tab = (value: ActivityWhen) => {
    const query = new URLSearchParams(params);
    query.delete("cursor");
    query.delete("undo");
    // Each tab has its own date order (coming: soonest first; over: latest first).
    if (sort.sort === "date") query.delete("dir");
    query.set("when", value);
    return `?${query}`;
  };
  // On the coming tab the date reads soonest first, also when the date header is clicked from another column.
  const dateFirst = when === "upcoming" ? "asc" : "desc";
  const filter = (name: string) => params.get(name) ?? "";
  return (
    <div className="page">
      <h1>{t("activities.title")}</h1>
      <p className="button-row">
        {canCreate ? <Link className="button" to="/activities/new">{t("activities.new")}</Link> : null}
        <Link className="button button-secondary" to="/activities/calendar">{t("calendar.link")}</Link>
      </p>
      <SavedViews list="activities" {...views} allLabel={t("savedViews.standard")} error={saveError?.fields?.name ?? saveError?.fields?.query ?? saveError?.formError} />
      <nav className="segmented" aria-label={t("activities.when")}>
        {ACTIVITY_WHEN.map((value) => (
          <Link key={value} to={tab(value)} aria-current={when === value ? "page" : undefined}>
            {t(value === "upcoming" ? "activities.upcoming" : value === "past" ? "activities.past" : "activities.everything")}
          </Link>
        ))}
      </nav>
      <Form method="get" className="card filters" aria-label={t("activities.filter")}>
        <input type="hidden" name="when" value={when} />
        <SelectField label={t("activities.fields.type")} name="type" defaultValue={filter("type")}>
          <option value="">{t("activities.all")}</option>
          {ACTIVITY_TYPES.map((type) => <option key={type} value={type}>{t(`activities.types.${type}`)}</option>)}
        </SelectField>
        <SelectField label={t("activities.fields.status")} name="status" defaultValue={filter("status")}>
          <option value="">{t("activities.all")}</option>
          {ACTIVITY_STATUSES.map((status) => <option key={status} value={status}>{t(`activities.statuses.${status}`)}</option>)}
        </SelectField>
        <SelectField label={t("activities.schoolYear")} name="schoolYear" defaultValue={filter("schoolYear")}>
          <option value="">{t("activities.all")}</option>
          {schoolYears.map((year) => <option key={year} value={year}>{year}</option>)}
        </SelectField>
        <SelectField label={t("activities.subregion")} name="subregionId" defaultValue={filter("subregionId")}>
          <option value="">{t("activities.all")}</option>
          {subregions.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <SelectField label={t("activities.fields.profiles")} name="profile" defaultValue={filter("profile")}>
          <option value="">{t("activities.all")}</option>
          {VMBO_PROFILES.map((profile) => <option key={profile} value={profile}>{profile}</option>)}
        </SelectField>
        <SelectField label={t("organisations.sortBy")} name="sort" defaultValue={sort.sort}>
          {ACTIVITY_SORTS.map((column) => <option key={column} value={column}>{t(`activities.sorts.${column}`)}</option>)}
        </SelectField>
        <SelectField label={t("lists.direction")} name="dir" defaultValue={filter("dir")}>
          <option value="">{t("lists.directionDefault")}</option>
          {SORT_DIRECTIONS.map((dir) => <option key={dir} value={dir}>{t(`lists.${dir}`)}</option>)}
        </SelectField>
        <div className="actions">
          <button type="submit" className="button">{t("activities.filter")}</button>
        </div>
      </Form>
      {activities.length === 0 ? (
        <p>
          {when === "upcoming" && [...params.keys()].every((key) => SORT_KEYS.has(key)) ? t("activities.noneUpcoming") : t("activities.none")}
          {when === "upcoming" ? <> <Link to={tab("past")}>{t("activities.toPast")}</Link></> : null}
        </p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <SortHeader column="date" current={sort} firstDirection={dateFirst}>{t("activities.fields.startDate")}</SortHeader>
                <SortHeader column="title" current={sort}>{t("activities.fields.title")}</SortHeader>
                <SortHeader column="type" current={sort}>{t("activities.fields.type")}</SortHeader>
                <SortHeader column="partner" current={sort}>{t("activities.withWhom")}</SortHeader>
                <SortHeader column="status" current={sort}>{t("activities.fields.status")}</SortHeader>
              </tr>
            </thead>
            <tbody>
              {activities.map((a) => (
                <tr key={a.id}>
                  <td>
                    {a.endDate !== a.startDate ? t("activities.period", { from: formatDay(a.startDate, locale), until: formatDay(a.endDate, locale) }) : formatDay(a.startDate, locale)}
                    {a.startTime ? ` ${a.startTime}` : ""}
                  </td>
                  <td><Link to={`/activities/${a.id}`}>{a.title}</Link></td>
                  <td>{t(`activities.types.${a.type}`)}</td>
                  <td>{a.organisations.join(", ")}</td>
                  <td><span className={`badge activity-status-${a.status}`}>{t(`activities.statuses.${a.status}`)}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? <p><Link to={`?${next}`}>{t("activities.next")} →</Link></p> : null}
    </div>
  );
}
