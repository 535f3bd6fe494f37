import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ACTIVITY_TYPES } from "../../db/schema";
import { ListActivitiesInput } from "../../server/domains/activities/activities.schemas";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { requirePermission } from "../utils/auth.server";
import { addDays, calendarGrid } from "../utils/calendar-grid";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { dateFormat } from "../../i18n/intl";
import { CalendarInput } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Activiteitenkalender · Schakel" }];

// A view beyond this many activities asks for a filter instead of drawing an unreadable grid.
const MAX_ACTIVITIES = 1000;
// Longer than this (an internship over months) is listed above the grid instead of filling every day.
const LONG_DAYS = 7;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  const parsed = CalendarInput.safeParse(params);
  if (!parsed.success) throw new Response("Bad request", { status: 400 });
  const { view, date, type } = parsed.data;
  const today = toLocalDate(context.clock.now());
  const grid = calendarGrid(view, date ?? today);
  const activities = [];
  let cursor: string | undefined;
  do {
    const page = await context.server.listActivities(context.db, scopeOf(user), parseInput(ListActivitiesInput, { from: grid.from, to: grid.to, type, limit: 200, cursor }, user.locale));
    activities.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && activities.length < MAX_ACTIVITIES);
  // Other regions' activities opened to this one: shown read-only, with their region's name.
  const shared = (await context.server.listSharedActivities(context.db, scopeOf(user), { from: grid.from, to: grid.to })).filter((a) => !type || a.type === type);
  const shown = [
    ...activities
      .filter((a) => a.status !== "cancelled")
      .map((a) => ({ id: a.id, type: a.type, title: a.title, status: a.status, startDate: a.startDate, endDate: a.endDate, startTime: a.startTime?.slice(0, 5) ?? null, sharedBy: null as string | null })),
    ...shared.map((a) => ({ id: a.id, type: a.type, title: a.title, status: a.status, startDate: a.startDate, endDate: a.endDate, startTime: a.startTime, sharedBy: a.regionName })),
  ]
    .sort((a, b) => (a.startDate + (a.startTime ?? "")).localeCompare(b.startDate + (b.startTime ?? "")));
  const isLong = (a: { startDate: string; endDate: string }) => addDays(a.startDate, LONG_DAYS) <= a.endDate;
  return { view, grid, today, type: type ?? "", tooMany: Boolean(cursor), long: shown.filter(isLong), short: shown.filter((a) => !isLong(a)) };
}

/** The region's activities in a month or a week, Monday first; long ones (internships) above the grid. */
export default function ActivitiesCalendarPage() {
  const t = useT();
  const locale = useLocale();
  const { view, grid, today, type, tooMany, long, short } = useLoaderData<typeof loader>();
  const link = (changes: Record<string, string>) => `?${new URLSearchParams({ view, ...(type ? { type } : {}), ...changes })}`;
  const monthName = dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  const title = view === "month"
    ? monthName.format(new Date(`${grid.weeks[1]![0]}T12:00:00Z`))
    : t("calendar.weekOf", { from: formatDay(grid.from, locale), to: formatDay(grid.to, locale) });
  const weekdays = grid.weeks[0]!.map((day) => dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { weekday: "short", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`)));
  const inMonth = (day: string) => view === "week" || day.slice(0, 7) === grid.weeks[1]![0]!.slice(0, 7);
  return (
    <div className="page">
      <p><Link to="/activities">← {t("activities.title")}</Link></p>
      <h1>{`${t("calendar.title")}: ${title}`}</h1>
      <nav className="button-row" aria-label={t("calendar.navigation")}>
        <Link className="button button-secondary" to={link({ date: grid.previous })}>← {t(view === "month" ? "calendar.previousMonth" : "calendar.previousWeek")}</Link>
        <Link className="button button-secondary" to={link({ date: today })}>{t("calendar.today")}</Link>
        <Link className="button button-secondary" to={link({ date: grid.next })}>{t(view === "month" ? "calendar.nextMonth" : "calendar.nextWeek")} →</Link>
        <Link className="button button-secondary" to={`?${new URLSearchParams({ view: view === "month" ? "week" : "month", date: grid.weeks[view === "month" ? 1 : 0]![0]!, ...(type ? { type } : {}) })}`}>
          {t(view === "month" ? "calendar.showWeek" : "calendar.showMonth")}
        </Link>
      </nav>
      <form method="get" className="filters">
        <input type="hidden" name="view" value={view} />
        <input type="hidden" name="date" value={grid.from} />
        <label>
          {t("activities.fields.type")}{" "}
          <select name="type" defaultValue={type}>
            <option value="">{t("activities.all")}</option>
            {ACTIVITY_TYPES.map((option) => <option key={option} value={option}>{t(`activities.types.${option}`)}</option>)}
          </select>
        </label>
        <button type="submit" className="button button-secondary">{t("attention.filter")}</button>
      </form>
      {tooMany ? <p className="card">{t("calendar.tooMany")}</p> : null}
      {long.length ? (
        <section className="card" aria-labelledby="running">
          <h2 id="running">{t("calendar.running")}</h2>
          <ul className="plain-list">
            {long.map((a) => (
              <li key={a.id}>
                {a.sharedBy ? `${t(`activities.types.${a.type}`)}: ${a.title} (${t("calendar.sharedBy", { region: a.sharedBy })})` : <Link to={`/activities/${a.id}`}>{`${t(`activities.types.${a.type}`)}: ${a.title}`}</Link>}
                {` — ${formatDay(a.startDate, locale)} – ${formatDay(a.endDate, locale)}`}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="table-wrap">
        <table className={`calendar calendar-${view}`}>
          <thead><tr>{weekdays.map((day) => <th key={day} scope="col">{day}</th>)}</tr></thead>
          <tbody>
            {grid.weeks.map((week) => (
              <tr key={week[0]}>
                {week.map((day) => {
                  const items = short.filter((a) => a.startDate <= day && day <= a.endDate);
                  return (
                    <td key={day} className={[inMonth(day) ? "" : "calendar-other-month", day === today ? "calendar-today" : ""].filter(Boolean).join(" ") || undefined}>
                      <span className="calendar-day">{Number(day.slice(8))}</span>
                      <ul className="calendar-items">
                        {items.map((a) => (
                          <li key={a.id} className={`calendar-item calendar-item-${a.status}`}>
                            {a.sharedBy ? (
                              <span className="calendar-shared">{`${a.startTime && a.startDate === day ? `${a.startTime} ` : ""}${a.title} (${t("calendar.sharedBy", { region: a.sharedBy })})`}</span>
                            ) : (
                              <Link to={`/activities/${a.id}`}>{`${a.startTime && a.startDate === day ? `${a.startTime} ` : ""}${a.title}`}</Link>
                            )}
                            <span className="visually-hidden"> ({t(`activities.types.${a.type}`)}, {t(`activities.statuses.${a.status}`)})</span>
                          </li>
                        ))}
                      </ul>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
