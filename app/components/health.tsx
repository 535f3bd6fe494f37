import type { HealthState } from "../../db/schema";
import { formatDay, useLocale, useT } from "../utils/i18n";

type Reason = { code: string; state: string; since: string; message: string; nextStep: string };

/** The state as a coloured badge with its Dutch name ("Koud", "Koelt af", "Let op", "Gezond"). */
export function HealthBadge({ state }: { state: HealthState }) {
  const t = useT();
  return <span className={`badge badge-health badge-${state}`}>{t(`health.states.${state}`)}</span>;
}

/**
 * Why a relationship needs attention: each reason's sentence, since when, and what to do next.
 * With `collapseAfter`, the reasons after the first few wait behind a disclosure, so a list of
 * many relationships stays short on a phone.
 */
export function HealthReasons({ reasons, collapseAfter }: { reasons: Reason[]; collapseAfter?: number }) {
  const t = useT();
  const locale = useLocale();
  if (!reasons.length) return null;
  const item = (reason: Reason) => (
    <li key={`${reason.code}-${reason.since}-${reason.message}`} className={`health-reason health-reason-${reason.state}`}>
      <span className="health-reason-message">{reason.message}</span>
      <span className="health-reason-since">{` (${formatDay(reason.since, locale)})`}</span>
      <br />
      <span className="health-reason-next">{`${t("attention.nextStep")}: ${reason.nextStep}`}</span>
    </li>
  );
  const shown = collapseAfter === undefined ? reasons : reasons.slice(0, collapseAfter);
  const rest = reasons.slice(shown.length);
  return (
    <>
      <ul className="health-reasons">{shown.map(item)}</ul>
      {rest.length ? (
        <details className="health-reasons-more">
          <summary>{rest.length === 1 ? t("attention.moreReasonsOne") : t("attention.moreReasons", { count: rest.length })}</summary>
          <ul className="health-reasons">{rest.map(item)}</ul>
        </details>
      ) : null}
    </>
  );
}
