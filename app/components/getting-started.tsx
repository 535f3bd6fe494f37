import { Form, Link } from "@remix-run/react";
import type { GettingStarted } from "../../server/page-services";
import { useT } from "../utils/i18n";
import { SubmitButton } from "./ui/submit-button";

/** Where each first step is taken. */
const STEP_LINKS = {
  organisations: "/imports/organisations",
  colleagues: "/admin/users",
  healthSettings: "/admin/health",
  partner: "/organisations",
} as const;

/**
 * A new region's first steps, each with the page where it is taken and ticked off once the data
 * shows it done. On the start page (`onStartPage`) it shows until every step is done or the admin
 * puts it away; its own page (/getting-started) always shows it.
 */
export function GettingStartedChecklist({ checklist, onStartPage = false }: { checklist: GettingStarted | null; onStartPage?: boolean }) {
  const t = useT();
  if (!checklist || (onStartPage && (checklist.complete || checklist.dismissed))) return null;
  const open = checklist.steps.filter((s) => !s.done).length;
  return (
    <section className="card" aria-labelledby="getting-started-heading" data-testid="getting-started">
      <h2 id="getting-started-heading">{t("gettingStarted.title")}</h2>
      <p>{checklist.complete ? t("gettingStarted.allDone") : open === 1 ? t("gettingStarted.openOne") : t("gettingStarted.open", { count: open })}</p>
      <ol className="getting-started-steps">
        {checklist.steps.map(({ step, done }) => (
          <li key={step} data-done={done ? "true" : "false"}>
            <Link to={STEP_LINKS[step]}>{t(`gettingStarted.steps.${step}`)}</Link>
            {" — "}
            <span>{done ? t("gettingStarted.done") : t("gettingStarted.toDo")}</span>
          </li>
        ))}
      </ol>
      {onStartPage ? (
        <Form method="post" action="/getting-started" className="actions">
          <Link to="/getting-started">{t("gettingStarted.more")}</Link>
          <SubmitButton action="/getting-started" name="intent" value="dismiss" className="button button-quiet">{t("gettingStarted.dismiss")}</SubmitButton>
        </Form>
      ) : null}
    </section>
  );
}
