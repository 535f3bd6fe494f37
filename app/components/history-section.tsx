import { Link } from "@remix-run/react";
import type { HistoryChange, HistoryEntry } from "../../server/domains/audit/history";
import type { Locale, Translate } from "../../i18n";
import { formatDay, formatMoment, useLocale, useT } from "../utils/i18n";

// As loader data the moment `at` arrives as a string.
type Entry = Omit<HistoryEntry, "at"> & { at: string | Date };

const TRANSLATED_VALUES: Record<string, string> = {
  kind: "organisations.kinds",
  tier: "organisations.tiers",
  status: "organisations.statuses",
  endReason: "contacts.reasons",
};

function fieldLabel(t: Translate, field: string) {
  const key = `history.fields.${field}`;
  const label = t(key);
  return label === key ? field : label;
}

/** A value as a person reads it: translated names, Dutch dates, "—" for nothing. */
function formatValue(t: Translate, locale: Locale, field: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return t("history.emptyValue");
  if (typeof value === "boolean") return t(value ? "history.yes" : "history.no");
  if (Array.isArray(value)) return value.map(String).join(", ");
  if (typeof value === "string") {
    const group = TRANSLATED_VALUES[field];
    if (group) return t(`${group}.${value}`);
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDay(value, locale);
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return formatMoment(value, locale);
    return value;
  }
  return JSON.stringify(value);
}

function Changes({ changes }: { changes: HistoryChange[] }) {
  const t = useT();
  const locale = useLocale();
  if (!changes.length) return null;
  // A person's entries name fields only (no personal data in the audit log): "gewijzigd: e-mail, telefoon".
  if (changes.every((c) => !("before" in c) && !("after" in c))) {
    return <p className="history-fields">{t("history.changed", { fields: changes.map((c) => fieldLabel(t, c.field)).join(", ") })}</p>;
  }
  return (
    <ul className="history-changes">
      {changes.map((change) => (
        <li key={change.field}>
          {fieldLabel(t, change.field)}: <del>{formatValue(t, locale, change.field, change.before)}</del> → <ins>{formatValue(t, locale, change.field, change.after)}</ins>
        </li>
      ))}
    </ul>
  );
}

/**
 * The audit log of an organisation or person, newest first ("every change is visible as the
 * record's history"), a keyset page at a time through `?historyCursor=`.
 */
export function HistorySection({ items, nextCursor, of }: { items: Entry[]; nextCursor: string | null; of: "organisation" | "person" }) {
  const t = useT();
  const locale = useLocale();
  const mergedPath = of === "organisation" ? "/organisations" : "/people";
  return (
    <section className="card section-contacts" aria-labelledby="history" id="geschiedenis">
      <h2 id="history">{t("history.title")}</h2>
      <p>{t("history.intro")}</p>
      {items.length === 0 ? <p>{t("history.empty")}</p> : null}
      <ol className="timeline history">
        {items.map((entry) => {
          const actionKey = `history.actions.${entry.action.replace(".", "_")}`;
          const action = t(actionKey) === actionKey ? entry.action : t(actionKey);
          return (
            <li key={entry.id}>
              <span className="timeline-date">{formatMoment(entry.at, locale)}</span>
              <strong>{action}</strong>
              {entry.affiliation ? (
                <>
                  {": "}
                  {of === "organisation" ? (
                    <Link to={`/people/${entry.affiliation.personId}`}>{entry.affiliation.personName}</Link>
                  ) : (
                    <Link to={`/organisations/${entry.affiliation.organisationId}`}>{entry.affiliation.organisationName}</Link>
                  )}
                </>
              ) : null}
              {entry.mergedWith ? (
                <> {t("history.mergedWith", { name: "" }).trim()} <Link to={`${mergedPath}/${entry.mergedWith.id}`}>{entry.mergedWith.name || entry.mergedWith.id}</Link></>
              ) : null}
              {" · "}
              <span className="task-meta">{entry.actor ? `${entry.actor.name}${entry.actor.isPartner ? ` ${t("portal.partnerActor")}` : ""}` : t("history.system")}</span>
              <Changes changes={entry.changes} />
            </li>
          );
        })}
      </ol>
      {nextCursor ? (
        <p>
          <Link to={`?historyCursor=${encodeURIComponent(nextCursor)}#geschiedenis`}>{t("history.older")} →</Link>
        </p>
      ) : null}
    </section>
  );
}
