import { Form, Link, useSearchParams } from "@remix-run/react";
import { useT } from "../utils/i18n";
import { CheckboxField, TextField } from "./ui/field";
import { SubmitButton } from "./ui/submit-button";

type View = { id: string; name: string; query: string; shared: boolean; mine: boolean; createdByName: string };

/**
 * A list's saved views as links (the open one marked), and the form that saves the list's current
 * filters and sort as a new one. The list's address is the whole state, so a view is only a link.
 * `allLabel` names the link to the list without a view where "Alles" would mean something else
 * on the page (the activities page has a tab of that name).
 */
export function SavedViews({ list, views, currentQuery, canSave, error, allLabel }: { list: "organisations" | "people" | "activities"; views: View[]; currentQuery: string; canSave: boolean; error?: string | undefined; allLabel?: string }) {
  const t = useT();
  const [params] = useSearchParams();
  if (!canSave) return null;
  const query = new URLSearchParams(params);
  query.delete("cursor");
  query.delete("undo");
  return (
    <div className="saved-views">
      <nav aria-label={t("savedViews.title")}>
        <ul className="view-tabs">
          <li><Link to={`/${list}`} aria-current={currentQuery === "" ? "page" : undefined}>{allLabel ?? t("savedViews.all")}</Link></li>
          {views.map((view) => (
            <li key={view.id}>
              <Link to={`/${list}${view.query ? `?${view.query}` : ""}`} aria-current={currentQuery !== "" && view.query === currentQuery ? "page" : undefined}>
                {view.name}
                {view.shared && !view.mine ? <span className="view-owner">{` · ${view.createdByName}`}</span> : null}
                {!view.shared ? <span className="visually-hidden">{` (${t("savedViews.private")})`}</span> : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <details className="save-view" open={error ? true : undefined}>
        <summary>{t("savedViews.save")}</summary>
        <Form method="post" className="inline-fields">
          <p className="field-hint">{t("savedViews.saveIntro")}</p>
          <input type="hidden" name="query" value={query.toString()} />
          <TextField label={t("savedViews.name")} name="name" required maxLength={80} error={error} />
          <CheckboxField label={t("savedViews.shared")} name="shared" />
          <SubmitButton name="intent" value="saveView">{t("savedViews.save")}</SubmitButton>
          <Link to="/views">{t("savedViews.manage")}</Link>
        </Form>
      </details>
    </div>
  );
}
