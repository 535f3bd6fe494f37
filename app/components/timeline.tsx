import { Link, useSearchParams } from "@remix-run/react";
import type { TimelineItem } from "../../server/domains/interactions/interactions.service";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { SentimentBadge } from "./sentiment";
import { Alert } from "./ui/alert";

// As loader data the moment `at` arrives as a string; distributed so each kind keeps its fields.
type TimelineEntry = TimelineItem extends infer T ? (T extends TimelineItem ? Omit<T, "at"> & { at: string | Date | null } : never) : never;

/**
 * The organisation's history, newest first: contact moments (saying when one came from a mail or an
 * invitation, with "Wijzigen" on those the user may correct), people who came and went, owner
 * changes. After a correction or deletion the edit page sends the user back here with `?moment=`.
 */
export function Timeline({ items }: { items: TimelineEntry[] }) {
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const moment = params.get("moment");
  return (
    <section className="card section-contacts" aria-labelledby="timeline">
      <h2 id="timeline">{t("timeline.title")}</h2>
      {moment === "saved" || moment === "deleted" ? <Alert tone="success">{t(moment === "saved" ? "interactions.saved" : "interactions.deleted")}</Alert> : null}
      {items.length === 0 ? <p>{t("timeline.empty")}</p> : null}
      <ol className="timeline">
        {items.map((item) => (
          <li key={`${item.type}-${item.id}`}>
            <span className="timeline-date">{formatDay(item.date, locale)}</span>
            {item.type === "interaction" ? (
              <>
                <strong>{t(`interactions.kinds.${item.kind}`)}</strong>
                {item.userName ? <> {t("timeline.by", { name: item.userName })}</> : null}
                {item.personNames.length ? <> {t("timeline.with", { names: item.personNames.join(", ") })}</> : null}
                {item.sentiment ? <> <SentimentBadge sentiment={item.sentiment} /></> : null}
                {item.source !== "manual" ? <> <span className="badge timeline-source">{t(item.source === "email" ? "timeline.viaEmail" : "timeline.viaCalendar")}</span></> : null}
                {item.mayChange ? (
                  <>
                    {" "}
                    <Link to={`/interactions/${item.id}/edit`} className="timeline-change">
                      {t("timeline.change")}<span className="visually-hidden"> {t("timeline.changeWhich", { kind: t(`interactions.kinds.${item.kind}`).toLowerCase(), date: formatDay(item.date, locale) })}</span>
                    </Link>
                  </>
                ) : null}
                <br />
                {item.summary}
              </>
            ) : item.type === "affiliation_started" ? (
              <>
                {item.role ? t("timeline.started", { name: item.personName, role: item.role }) : t("timeline.startedNoRole", { name: item.personName })}
                {item.byPartner ? <> {t("timeline.by", { name: item.byPartner })} {t("portal.partnerActor")}</> : null}
              </>
            ) : item.type === "affiliation_ended" ? (
              <>
                {t("timeline.ended", { name: item.personName, reason: t(`contacts.reasons.${item.endReason ?? "other"}`) })}
                {item.byPartner ? <> {t("timeline.by", { name: item.byPartner })} {t("portal.partnerActor")}</> : null}
              </>
            ) : (
              t("timeline.ownerChanged", { name: item.userName })
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
