import { schoolYearEnd, schoolYearOf, schoolYearStart } from "../../calendar/school-year";
import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { HealthBadge } from "../components/health";
import { CofinancingProgressChart, forecastSentence, progressSentence } from "../components/cofinancing-charts";
import { HealthTrendChart } from "../components/health-trend-chart";
import { GettingStartedChecklist } from "../components/getting-started";
import { MyWorkSections } from "../components/my-work";
import { addDays, dateOfDay } from "../../calendar/days";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { userCan } from "../../server/auth/permissions";
import { requireUser } from "../utils/auth.server";
import { useLocale, useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Overzicht · Schakel" }];

/** How far ahead "Binnenkort koud" looks on the start page, as the weekly digest does. */
const UPCOMING_DAYS = 30;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  // A partner user's home is its organisation's portal; the dashboard is the staff's.
  if (user.role === "partner" && user.organisationId) throw redirect("/portal");
  const region = await context.server.getRegion(context.db, user.regionId);
  // Health is the school's view of its relationships: partners do not see it.
  const today = toLocalDate(context.clock.now());
  const schoolYear = { from: schoolYearStart(today), to: schoolYearEnd(today) };
  const staff = userCan(user, "region.read");
  // Her own work first: one query per section, all within her region.
  const weekStart = addDays(today, -((dateOfDay(today).getUTCDay() + 6) % 7));
  const weekEnd = addDays(weekStart, 6);
  const mine = staff
    ? await Promise.all([
        context.server.listMyTasks(context.db, scopeOf(user), user.id, { today, dueOnOrBefore: weekEnd, limit: 8 }),
        context.server.listHealth(context.db, scopeOf(user), { state: ["cold", "cooling", "watch"], accountHolderId: user.id, includeSnoozed: false, limit: 5 }, { locale: user.locale, today }),
        context.server.holdsRelationships(context.db, scopeOf(user), user.id),
        context.server.listOffersAwaiting(context.db, scopeOf(user), user.id, { limit: 5 }),
        context.server.listOwnActivitiesBetween(context.db, scopeOf(user), user.id, { from: today, to: weekEnd, limit: 8 }),
        context.server.listUpcoming(context.db, scopeOf(user), { today, days: UPCOMING_DAYS, locale: user.locale, accountHolderId: user.id }),
      ]).then(([tasks, relationships, holds, offers, week, upcoming]) => ({
        tasks: tasks.items.map(({ id, title, dueDate, isOverdue, organisationId, organisationName }) => ({ id, title, dueDate, isOverdue, organisationId, organisationName })),
        relationships: relationships.items.map((item) => ({ organisationId: item.organisationId, name: item.name, state: item.state, reason: item.reasons[0]?.message ?? null })),
        holdsRelationships: holds,
        offers,
        week,
        upcoming: { days: UPCOMING_DAYS, items: upcoming.slice(0, 8) },
      }))
    : null;
  const counts = staff ? await context.server.healthCounts(context.db, scopeOf(user), today) : null;
  // Logged mail waiting in "Te koppelen": linked next to the quick log when there is any.
  const inboxCount = staff ? await context.server.countInbox(context.db, scopeOf(user)) : 0;
  const trend = staff ? await context.server.regionHealthTrend(context.db, scopeOf(user), { from: schoolYear.from, to: today }) : [];
  // The programme manager and the penvoerder see the year's co-financing against its target at a glance.
  const cofinancing = userCan(user, "money.write") ? await context.server.cofinancingOverview(context.db, scopeOf(user), schoolYearOf(today), context.clock.now()) : null;
  // A new region's first steps, for its admin, until they are done or put away.
  const checklist = userCan(user, "region.manage") ? await context.server.gettingStarted(context.db, scopeOf(user)) : null;
  return { name: user.name, role: user.role, regionName: region.name, mine, counts, trend, schoolYear, cofinancing, inboxCount, checklist };
}

export default function DashboardPage() {
  const t = useT();
  const locale = useLocale();
  const { name, role, regionName, mine, counts, trend, schoolYear, cofinancing, inboxCount, checklist } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("dashboard.welcome", { name })}</h1>
      <p className="lead">{t("dashboard.roleInRegion", { role: t(`roles.${role}`), region: regionName })}</p>
      <GettingStartedChecklist checklist={checklist} onStartPage />
      {mine ? <MyWorkSections work={mine} /> : null}
      {counts ? <h2 className="dashboard-region-heading">{t("dashboard.region")}</h2> : null}
      {counts ? (
        <section className="card" aria-labelledby="health-heading">
          <h3 id="health-heading">{t("dashboard.health")}</h3>
          <ul className="health-tiles">
            {(["cold", "cooling", "watch", "healthy"] as const).map((state) => (
              <li key={state} className={`health-tile health-banner-${state}`}>
                <span className="health-tile-count">{counts[state]}</span> <HealthBadge state={state} />
              </li>
            ))}
          </ul>
          <HealthTrendChart rows={trend} from={schoolYear.from} to={schoolYear.to} locale={locale} />
          <p className="actions">
            <Link className="button" to="/attention?whose=region">{t("dashboard.toAttention", { count: counts.cold + counts.cooling })}</Link>
            <Link className="button button-secondary" to="/log">{t("dashboard.quickLog")}</Link>
            {inboxCount ? <Link className="button button-secondary" to="/inbox">{t("dashboard.toInbox", { count: inboxCount })}</Link> : null}
          </p>
        </section>
      ) : (
        <div className="card">
          <p>{t("dashboard.comingSoon")}</p>
        </div>
      )}
      {cofinancing ? (
        <section className="card" aria-labelledby="cofinancing-heading">
          <h3 id="cofinancing-heading">{t("commitments.title")}</h3>
          <CofinancingProgressChart overview={cofinancing} locale={locale} />
          {progressSentence(cofinancing, locale) ? <p data-testid="cofinancing-progress">{progressSentence(cofinancing, locale)}</p> : null}
          <p data-testid="cofinancing-forecast">{forecastSentence(cofinancing, locale)}</p>
          <p>
            <Link className="button" to={`/cofinancing/${cofinancing.schoolYear}`}>{t("cofinancing.toPage")}</Link>
          </p>
        </section>
      ) : null}
    </div>
  );
}
