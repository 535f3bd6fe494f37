import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "../utils/auth.server";
import { formatDay, formatMoment, useLocale, useT } from "../utils/i18n";
import { recordIdOf } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Inzage · Schakel" }];

/**
 * An access request (AVG): everything Schakel keeps about one person, readable (the JSON download is
 * people.$id_.export[.]json.ts). Admins only; every viewing is written to the audit log.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.manage");
  const id = recordIdOf(params);
  const data = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.exportPerson(trx, scope, id, meta));
  return data;
}

export default function PersonExportPage() {
  const t = useT();
  const locale = useLocale();
  const data = useLoaderData<typeof loader>();
  const { person } = data;
  return (
    <div className="page">
      <h1>{t("privacy.exportTitle", { name: person.name })}</h1>
      <p className="lead">{t("privacy.exportIntro", { controller: data.controller, date: formatMoment(data.exportedAt, locale) })}</p>
      <p><a className="button" href={`/people/${person.id}/export.json`} download>{t("privacy.exportJson")}</a> <Link to={`/people/${person.id}`}>{person.name}</Link></p>
      <section className="card" aria-labelledby="export-details">
        <h2 id="export-details">{t("privacy.details")}</h2>
        <dl className="facts">
          <dt>{t("common.name")}</dt><dd>{person.name}</dd>
          <dt>{t("common.email")}</dt><dd>{person.email ?? "—"}</dd>
          <dt>{t("contacts.phone")}</dt><dd>{person.phone ?? "—"}</dd>
          <dt>{t("privacy.lawfulBasis")}</dt><dd>{t(`privacy.lawfulBases.${person.lawfulBasis}`)}</dd>
          <dt>{t("privacy.source")}</dt><dd>{person.source ?? "—"}</dd>
          <dt>{t("privacy.optOut")}</dt><dd>{person.optOut ? t("history.yes") : t("history.no")}</dd>
          <dt>{t("privacy.reviewDate")}</dt><dd>{person.reviewDate ? formatDay(person.reviewDate, locale) : "—"}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="export-affiliations">
        <h2 id="export-affiliations">{t("privacy.affiliations")}</h2>
        {data.affiliations.length === 0 ? <p>{t("privacy.none")}</p> : (
          <ul className="plain-list">
            {data.affiliations.map((a, index) => (
              <li key={index}>{a.role ? `${a.role}, ` : ""}{a.organisationName} · {formatDay(a.startDate, locale)}{a.endDate ? ` – ${formatDay(a.endDate, locale)}` : ""}</li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="export-interactions">
        <h2 id="export-interactions">{t("privacy.interactions")}</h2>
        {data.interactions.length === 0 ? <p>{t("privacy.none")}</p> : (
          <ul className="plain-list">
            {data.interactions.map((i) => (
              <li key={i.id}>{formatDay(i.date, locale)} · {t(`interactions.kinds.${i.kind}`)} · {i.organisationName}: {i.summary}</li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="export-activities">
        <h2 id="export-activities">{t("privacy.activities")}</h2>
        {data.activities.length === 0 ? <p>{t("privacy.none")}</p> : (
          <ul className="plain-list">
            {data.activities.map((a) => (
              <li key={a.id}>{formatDay(a.startDate, locale)} · {t(`activities.types.${a.type}`)} · {a.title}</li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="export-tasks">
        <h2 id="export-tasks">{t("privacy.tasks")}</h2>
        {data.tasks.length === 0 ? <p>{t("privacy.none")}</p> : (
          <ul className="plain-list">{data.tasks.map((task) => <li key={task.id}>{formatDay(task.dueDate, locale)} · {task.title}</li>)}</ul>
        )}
      </section>
    </div>
  );
}
