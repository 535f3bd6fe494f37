import type { MetaFunction } from "@remix-run/react";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Toegankelijkheidsverklaring · Schakel" }];

/** The accessibility statement Dutch public bodies publish: public, linked from every page's footer. */
export default function AccessibilityStatementPage() {
  const t = useT();
  const list = (keys: string[]) => (
    <ul>
      {keys.map((key) => (
        <li key={key}>{t(key)}</li>
      ))}
    </ul>
  );
  return (
    <div className="page page-text">
      <h1>{t("accessibility.title")}</h1>
      <p className="lead">{t("accessibility.intro")}</p>
      <h2>{t("accessibility.statusTitle")}</h2>
      <p>{t("accessibility.status")}</p>
      <h2>{t("accessibility.checkedTitle")}</h2>
      {list(["accessibility.checked1", "accessibility.checked2", "accessibility.checked3", "accessibility.checked4"])}
      <h2>{t("accessibility.knownTitle")}</h2>
      {list(["accessibility.known1", "accessibility.known2", "accessibility.known3", "accessibility.known4", "accessibility.known5"])}
      <h2>{t("accessibility.reportTitle")}</h2>
      <p>{t("accessibility.report")}</p>
      <h2>{t("accessibility.dateTitle")}</h2>
      <p>{t("accessibility.date")}</p>
    </div>
  );
}
