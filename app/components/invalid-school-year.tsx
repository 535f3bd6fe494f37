import { Link } from "@remix-run/react";
import { useT } from "../utils/i18n";

/** What the report pages show for a school year that does not exist (answered 400 by their loaders). */
export function InvalidSchoolYear({ value }: { value: string }) {
  const t = useT();
  return (
    <div className="page page-narrow">
      <h1>{t("reports.title")}</h1>
      <p className="alert alert-error" role="alert">{t("reports.invalidSchoolYear", { value })}</p>
      <p><Link to="/reports">{t("reports.back")}</Link></p>
    </div>
  );
}
