import { Link } from "@remix-run/react";
import type { AgreementKind } from "../../db/schema";
import { formatDay, useLocale, useT } from "../utils/i18n";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The expiry date, with how many days are left when it is near (60 days, the reminder's window) or that it has passed. */
export function AgreementExpiry({ expiresOn, today }: { expiresOn: string | null; today: string }) {
  const t = useT();
  const locale = useLocale();
  if (!expiresOn) return <>{t("agreements.noExpiry")}</>;
  const days = Math.round((Date.parse(`${expiresOn}T12:00:00Z`) - Date.parse(`${today}T12:00:00Z`)) / DAY_MS);
  return (
    <>
      {formatDay(expiresOn, locale)}
      {days < 0 ? <> <span className="badge badge-danger">{t("agreements.expired")}</span></> : null}
      {days >= 0 && days <= 60 ? <> <span className="badge badge-danger">{t("agreements.expiresIn", { days })}</span></> : null}
    </>
  );
}

type SectionAgreement = { id: string; kind: AgreementKind; title: string; signedOn: string; expiresOn: string | null };

/** The agreements an organisation is a party to, on its page. */
export function OrganisationAgreements({ organisationId, agreements, today, canCreate }: { organisationId: string; agreements: SectionAgreement[]; today: string; canCreate: boolean }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="card section-contacts" aria-labelledby="agreements">
      <h2 id="agreements">{t("agreements.sectionTitle")}</h2>
      {agreements.length === 0 ? (
        <p>{t("agreements.sectionNone")}</p>
      ) : (
        <ul className="plain-list">
          {agreements.map((a) => (
            <li key={a.id}>
              <Link to={`/agreements/${a.id}`}>{a.title}</Link> · {t(`agreements.kinds.${a.kind}`)}
              <br />
              <span className="task-meta">
                {t("agreements.signedOn")} {formatDay(a.signedOn, locale)} · {t("agreements.expiresOn")} <AgreementExpiry expiresOn={a.expiresOn} today={today} />
              </span>
            </li>
          ))}
        </ul>
      )}
      {canCreate ? <p><Link to={`/agreements/new?organisationId=${organisationId}`}>{t("agreements.new")}</Link></p> : null}
    </section>
  );
}
