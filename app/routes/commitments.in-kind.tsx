import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { eurosInputValue, formatEuros, parseEuros, parseHours } from "../../server/domains/commitments/commitments.amounts";
import { ConfirmProposalInput, ListProposalsInput, RejectProposalInput } from "../../server/domains/in-kind/in-kind.schemas";
import { Alert } from "../components/ui/alert";
import { TextField } from "../components/ui/field";
import { AppError } from "../../server/errors";
import { parseInput, validationFailed } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError } from "../utils/forms.server";
import { formatDay, formatMoment, useLocale, useT } from "../utils/i18n";
import { ActivityId } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Inbreng in natura · Cofinanciering · Schakel" }];


export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "money.read");
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([key, value]) => value !== "" && key !== "saved"));
  const filters = parseInput(ListProposalsInput, params, user.locale);
  const scope = scopeOf(user);
  const [proposals, rejections, rates] = await Promise.all([
    context.server.listInKindProposals(context.db, scope, filters),
    context.server.listInKindRejections(context.db, scope),
    context.server.listInKindRates(context.db, user.regionId),
  ]);
  return { proposals: proposals.items, nextCursor: proposals.nextCursor, rejections, rates, canEdit: userCan(user, "money.write") };
}

type ActionErrors = FormErrors & { activityId?: string; intent?: string };

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "money.read");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const activityId = String(form.get("activityId") ?? "");
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  try {
    if (!userCan(user, "money.write")) throw new AppError("FORBIDDEN", "Your role may not do this");
    if (intent === "rates") {
      const rates: Record<string, number> = {};
      const problems: Record<string, string> = {};
      for (const [key, value] of form) {
        if (!key.startsWith("rate.") || typeof value !== "string" || value.trim() === "") continue;
        const cents = parseEuros(value);
        if (cents === null) problems[key] = "commitments.validation.euros";
        else rates[key.slice(5)] = cents;
      }
      if (Object.keys(problems).length) throw validationFailed(problems, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updateInKindRates(trx, scope, rates, meta));
      return redirect("/commitments/in-kind?saved=rates");
    }
    if (!ActivityId.safeParse(activityId).success) throw new AppError("NOT_FOUND", "Not found");
    if (intent === "confirm") {
      const problems: Record<string, string> = {};
      const hoursText = text("hours");
      const hours = hoursText === undefined ? undefined : parseHours(hoursText);
      if (hours === null) problems.hours = "commitments.validation.hours";
      const amountText = text("amount");
      const amountCents = amountText === undefined ? undefined : parseEuros(amountText);
      if (amountCents === null) problems.amountCents = "commitments.validation.euros";
      if (Object.keys(problems).length) throw validationFailed(problems, user.locale);
      const input = parseInput(ConfirmProposalInput, { hours, amountCents, note: text("note") }, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.confirmInKindProposal(trx, scope, activityId, input, meta));
      return redirect("/commitments/in-kind?saved=confirmed");
    }
    if (intent === "reject") {
      const input = parseInput(RejectProposalInput, { reason: text("reason") }, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.rejectInKindProposal(trx, scope, activityId, input, meta));
      return redirect("/commitments/in-kind?saved=rejected");
    }
    if (intent === "undo") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.undoInKindRejection(trx, scope, activityId, meta));
      return redirect("/commitments/in-kind?saved=undone");
    }
    return json({ formError: "Unknown action" } satisfies FormErrors, { status: 400 });
  } catch (error) {
    if (error instanceof AppError && error.code === "FORBIDDEN") throw new Response("Forbidden", { status: 403 });
    if (error instanceof Response) throw error;
    const response = formError(error, user.locale);
    const body = (await response.json()) as FormErrors;
    return json({ ...body, activityId, intent } satisfies ActionErrors, { status: response.status });
  }
}

export default function InKindPage() {
  const t = useT();
  const locale = useLocale();
  const { proposals, nextCursor, rejections, rates, canEdit } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>() as ActionErrors | undefined;
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const fieldOf = (activityId: string, intent: string, name: string) => (errors?.activityId === activityId && errors.intent === intent ? errors.fields?.[name] : undefined);
  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("cursor", nextCursor);
  nextParams.delete("saved");
  return (
    <div className="page">
      <p><Link to="/commitments">{t("commitments.back")}</Link></p>
      <h1>{t("inKind.title")}</h1>
      <p className="lead">{t("inKind.intro")}</p>
      {saved === "confirmed" ? <Alert tone="success">{t("inKind.confirmed")}</Alert> : null}
      {saved === "rejected" ? <Alert tone="success">{t("inKind.rejectedSaved")}</Alert> : null}
      {saved === "undone" ? <Alert tone="success">{t("inKind.undone")}</Alert> : null}
      {saved === "rates" ? <Alert tone="success">{t("inKind.ratesSaved")}</Alert> : null}
      {errors?.formError ? <Alert tone="error">{errors.formError}</Alert> : null}

      <h2>{t("inKind.proposals")}</h2>
      {proposals.length === 0 ? <p>{t("inKind.noProposals")}</p> : null}
      {proposals.map((p) => (
        // An article, not a named section: two activities may share a title, and landmarks must have names of their own.
        <article key={p.activityId} className="card stack" aria-labelledby={`proposal-${p.activityId}`} data-testid="proposal">
          <h3 id={`proposal-${p.activityId}`}>
            <Link to={`/activities/${p.activityId}`}>{p.title}</Link> <span className="badge">{t(`activities.types.${p.activityType}`)}</span>
          </h3>
          <dl className="details">
            <dt>{t("commitments.date")}</dt>
            <dd>{formatDay(p.date, locale)}</dd>
            <dt>{t("inKind.partner")}</dt>
            <dd><Link to={`/commitments/${p.commitmentId}`}>{p.organisationName} · {p.schoolYear} · {t(`commitments.categories.${p.commitmentCategory as "hours"}`)}</Link></dd>
            <dt>{t("inKind.hours")} × {t("inKind.rate")}</dt>
            <dd>{`${p.hours.toLocaleString(locale === "nl" ? "nl-NL" : "en-GB")} × ${formatEuros(p.hourlyRateCents, locale)} (${t(`inKind.rateSource.${p.rateSource}`)})`}</dd>
            <dt>{t("inKind.proposed")}</dt>
            <dd data-testid="proposed">{formatEuros(p.proposedCents, locale)}</dd>
          </dl>
          {canEdit ? (
            <div className="proposal-actions">
              <Form method="post" className="stack" noValidate>
                <input type="hidden" name="intent" value="confirm" />
                <input type="hidden" name="activityId" value={p.activityId} />
                <TextField label={t("inKind.adjustHours")} name="hours" inputMode="decimal" placeholder={String(p.hours).replace(".", ",")} error={fieldOf(p.activityId, "confirm", "hours")} />
                <TextField label={t("inKind.adjustAmount")} name="amount" inputMode="decimal" placeholder={eurosInputValue(p.proposedCents)} error={fieldOf(p.activityId, "confirm", "amountCents")} />
                <TextField label={t("inKind.note")} name="note" maxLength={1000} error={fieldOf(p.activityId, "confirm", "note")} />
                <div className="actions"><button type="submit" className="button">{t("inKind.confirm")}</button></div>
              </Form>
              <Form method="post" className="stack" noValidate>
                <input type="hidden" name="intent" value="reject" />
                <input type="hidden" name="activityId" value={p.activityId} />
                <TextField label={t("inKind.reason")} name="reason" maxLength={500} error={fieldOf(p.activityId, "reject", "reason")} required />
                <div className="actions"><button type="submit" className="button button-quiet">{t("inKind.reject")}</button></div>
              </Form>
            </div>
          ) : null}
        </article>
      ))}
      {nextCursor ? <p><Link to={`/commitments/in-kind?${nextParams}`}>{t("commitments.more")}</Link></p> : null}

      {rejections.length ? (
        <>
          <h2>{t("inKind.rejections")}</h2>
          <ul className="plain-list card">
            {rejections.map((r) => (
              <li key={r.activityId}>
                <Link to={`/activities/${r.activityId}`}>{r.title}</Link> · {formatDay(r.date, locale)} · {r.reason}{" "}
                <span className="task-meta">({t("inKind.rejectedBy", { name: r.rejectedByName ?? "—", date: formatMoment(r.rejectedAt, locale) })})</span>
                {canEdit ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="undo" />
                    <input type="hidden" name="activityId" value={r.activityId} />
                    <button type="submit" className="button button-small">{t("inKind.undo")}</button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2>{t("inKind.rates")}</h2>
      <p>{t("inKind.ratesIntro")}</p>
      <Form method="post" className="card stack" noValidate>
        <input type="hidden" name="intent" value="rates" />
        {rates.map((r) => (
          <TextField
            key={r.activityType}
            label={t("inKind.perHour", { type: t(`activities.types.${r.activityType}`) })}
            name={`rate.${r.activityType}`}
            inputMode="decimal"
            defaultValue={eurosInputValue(r.hourlyRateCents)}
            hint={r.isDefault ? t("inKind.defaultRate") : undefined}
            error={errors?.intent === "rates" ? errors.fields?.[`rate.${r.activityType}`] : undefined}
            disabled={!canEdit}
          />
        ))}
        {canEdit ? <div className="actions"><button type="submit" className="button">{t("inKind.ratesSave")}</button></div> : null}
      </Form>
    </div>
  );
}
