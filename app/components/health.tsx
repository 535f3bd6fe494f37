import type { HealthState } from "../../db/schema";
import { formatDay, useLocale, useT } from "../utils/i18n";

type Reason = { code: string; state: string; since: string; message: string; nextStep: string };

/** The state as a coloured badge with its Dutch name ("Koud", "Koelt af", "Let op", "Gezond"). */
export function HealthBadge({ state }: { state: HealthState }) {
  const t = useT();
  return <span className={`badge badge-health badge-${state}`}>{t(`health.states.${state}`)}</span>;
}

/** Why a relationship needs attention: each reason's sentence, since when, and what to do next. */
export function HealthReasons({ reasons }: { reasons: Reason[] }) {
  const t = useT();
  const locale = useLocale();
  if (!reasons.length) return null;
  return (
    <ul className="health-reasons">
      {reasons.map((reason) => (
        <li key={`${reason.code}-${reason.since}-${reason.message}`} className={`health-reason health-reason-${reason.state}`}>
          <span className="health-reason-message">{reason.message}</span>
          <span className="health-reason-since">{` (${formatDay(reason.since, locale)})`}</span>
          <br />
          <span className="health-reason-next">{`${t("attention.nextStep")}: ${reason.nextStep}`}</span>
        </li>
      ))}
    </ul>
  );
}
