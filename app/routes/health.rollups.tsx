import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { HealthState } from "../../db/schema";
import { NO_GROUP, ROLLUP_GROUPINGS } from "../../server/domains/health/health.rollup-groups";
import { RollupsInput } from "../../server/domains/health/health.schemas";
import { HealthTrendChart } from "../components/health-trend-chart";
import { SelectField } from "../components/ui/field";
import { parseInput } from "../../server/validation";
import { schoolYearOf, schoolYearRange } from "../../calendar/school-year";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { requirePermission } from "../utils/auth.server";
import { formatDay, useLocale, useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Relatiegezondheid per groep · Schakel" }];

/** Worst first, as "Aandacht nodig" reads. */
const COLUMNS: HealthState[] = ["cold", "cooling", "watch", "healthy"];
type By = (typeof ROLLUP_GROUPINGS)[number];

/**
 * The list behind a number: the organisations list filtered to the group (and the state). Only for
 * today's numbers (the list shows today), and not for the group without a subregion or owner, which
 * that list cannot filter on.
 */
function listLink(by: By, key: string, schoolYear: string, state?: HealthState): string | null {
  const query = new URLSearchParams();
  if (by === "school") {
    query.set("schoolId", key);
    query.set("schoolYear", schoolYear);
  } else if (key === NO_GROUP) return null;
  else query.set(by === "subregion" ? "subregionId" : "accountHolderId", key);
  if (state) query.set("health", state);
  return `/organisations?${query.toString()}`;
}

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "health.rollups");
  const url = new URL(request.url);
  const today = toLocalDate(context.clock.now());
  const current = schoolYearOf(today);
  const input = parseInput(RollupsInput, { by: url.searchParams.get("by") || "school", schoolYear: url.searchParams.get("schoolYear") || current }, user.locale);
  const rollups = await context.server.healthRollups(context.db, scopeOf(user), { ...input, today, locale: user.locale });
  const live = rollups.asOf === today;
  const items = rollups.items.map((item) => ({
    ...item,
    links: live
      ? ({ total: listLink(rollups.by, item.key, rollups.schoolYear), ...Object.fromEntries(COLUMNS.map((state) => [state, listLink(rollups.by, item.key, rollups.schoolYear, state)])) } as Record<HealthState | "total", string | null>)
      : null,
  }));
  const asked = url.searchParams.get("key");
  const selected = items.find((item) => item.key === asked) ?? items.find((item) => item.total > 0) ?? items[0] ?? null;
  const start = Number(current.slice(0, 4));
  const years = [0, 1, 2].map((back) => `${start - back}-${start - back + 1}`);
  return {
    by: rollups.by, schoolYear: rollups.schoolYear, asOf: rollups.asOf, live, items, selectedKey: selected?.key ?? null,
    range: schoolYearRange(rollups.schoolYear), years: years.includes(rollups.schoolYear) ? years : [rollups.schoolYear, ...years],
  };
}

/**
 * Relationship health per vmbo school, subregion or account holder over the school year, for the
 * penvoerder and the coordinator: a table whose every number opens its relationships, and the
 * dashboard's chart for one group at a time (decision 138).
 */
export default function HealthRollupsPage() {
  const t = useT();
  const locale = useLocale();
  const { by, schoolYear, asOf, live, items, selectedKey, range, years } = useLoaderData<typeof loader>();
  const selected = items.find((item) => item.key === selectedKey) ?? null;
  const grouping = { school: t("rollups.bySchool"), subregion: t("rollups.bySubregion"), accountHolder: t("rollups.byAccountHolder") } as const;
  const header = { school: t("rollups.school"), subregion: t("rollups.subregion"), accountHolder: t("rollups.accountHolder") } as const;
  const at = (query: Record<string, string>) => `?${new URLSearchParams({ by, schoolYear, ...query }).toString()}`;
  return (
    <div className="page">
      <h1>{t("rollups.title")}</h1>
      <p className="lead">{t("rollups.intro")}</p>
      <nav className="segmented" aria-label={t("rollups.by")}>
        {ROLLUP_GROUPINGS.map((choice) => (
          <Link key={choice} to={`?${new URLSearchParams({ by: choice, schoolYear }).toString()}`} aria-current={by === choice ? "page" : undefined}>{grouping[choice]}</Link>
        ))}
      </nav>
      <Form method="get" className="filters card">
        <input type="hidden" name="by" value={by} />
        <SelectField label={t("rollups.schoolYear")} name="schoolYear" defaultValue={schoolYear}>
          {years.map((year) => <option key={year} value={year}>{year}</option>)}
        </SelectField>
        <button type="submit" className="button button-secondary">{t("rollups.show")}</button>
      </Form>
      {by === "school" ? <p>{t("rollups.schoolExplain")}</p> : null}
      {asOf === null ? <p>{t("rollups.futureYear")}</p> : null}
      {asOf !== null && !live ? <p>{t("rollups.pastYear", { date: formatDay(asOf, locale) })}</p> : null}
      {items.length === 0 ? <p>{t("rollups.none")}</p> : (
        <div className="table-wrap">
          <table className="rollups-table">
            <caption className="visually-hidden">{t("rollups.tableCaption", { grouping: grouping[by].toLowerCase(), date: formatDay(asOf ?? range.from, locale) })}</caption>
            <thead>
              <tr>
                <th scope="col">{header[by]}</th>
                {COLUMNS.map((state) => <th key={state} scope="col" className="cell-money">{t(`health.states.${state}`)}</th>)}
                <th scope="col" className="cell-money">{t("rollups.total")}</th>
                <th scope="col">{t("rollups.trend")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.key} aria-current={item.key === selectedKey ? "true" : undefined}>
                  <th scope="row">{item.label}</th>
                  {COLUMNS.map((state) => {
                    const count = item.counts[state];
                    const to = item.links?.[state];
                    return (
                      <td key={state} className="cell-money">
                        {to && count > 0 ? (
                          <Link to={to} aria-label={t(count === 1 ? "rollups.countLinkOne" : "rollups.countLink", { count, state: t(`health.states.${state}`).toLowerCase(), label: item.label })}>{count}</Link>
                        ) : count}
                      </td>
                    );
                  })}
                  <td className="cell-money">
                    {item.links?.total && item.total > 0 ? <Link to={item.links.total} aria-label={t("rollups.totalLink", { count: item.total, label: item.label })}>{item.total}</Link> : item.total}
                  </td>
                  <td>
                    <Link to={`${at({ key: item.key })}#trend`} aria-label={t("rollups.showTrendOf", { label: item.label })}>{t("rollups.showTrend")}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && asOf !== null ? (
        <section className="card rollups-trend" id="trend" aria-label={t("rollups.chartTitle", { label: selected.label })}>
          <HealthTrendChart rows={selected.trend} from={range.from} to={range.until} locale={locale} title={t("rollups.chartTitle", { label: selected.label })} />
        </section>
      ) : null}
    </div>
  );
}
