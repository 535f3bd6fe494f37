import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { COMMITMENT_STATUSES } from "../../db/schema";
import { RealisationInput, UpdateCommitmentInput } from "../../server/domains/commitments/commitments.schemas";
import { formatEuros, parseEuros } from "../../server/domains/commitments/commitments.amounts";
import { canMoveTo } from "../../server/domains/commitments/commitments.steps";
import { Alert } from "../components/ui/alert";
import { TextField } from "../components/ui/field";
import { AppError } from "../../server/errors";
import { parseInput, validationFailed } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError } from "../utils/forms.server";
import { formatDay, formatMoment, useLocale, useT } from "../utils/i18n";
import { recordIdOf } from "../utils/page-inputs.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.commitment.organisationName ?? "Toezegging"} · Cofinanciering · Schakel` }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "organisation.read");
  const commitment = await context.server.getCommitmentWithRealisations(context.db, scopeOf(user), recordIdOf(params));
  if (commitment.archivedAt) throw new AppError("NOT_FOUND", "Commitment archived");
  return {
    commitment,
    canEdit: userCan(user, "money.write"),
    canConfirm: userCan(user, "money.confirmOwn") && !commitment.confirmedAt,
    // A partner came from its portal and goes back there, not to the region's list.
    isPartner: userCan(user, "portal.use"),
    today: toLocalDate(context.clock.now()),
    maxBytes: context.server.MAX_DOCUMENT_BYTES,
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "organisation.read");
  const id = recordIdOf(params);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "confirm") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.confirmCommitment(trx, scope, id, meta));
      return redirect(`/commitments/${id}?saved=confirmed`);
    }
    if (intent === "status") {
      const input = parseInput(UpdateCommitmentInput, { status: form.get("status"), version: form.get("version") }, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updateCommitment(trx, scope, id, input, meta));
      return redirect(`/commitments/${id}?saved=status`);
    }
    if (intent === "archive") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.archiveCommitment(trx, scope, id, meta));
      return redirect("/commitments");
    }
    if (intent === "realisation") {
      const text = (name: string) => {
        const value = form.get(name);
        return typeof value === "string" && value.trim() !== "" ? value : undefined;
      };
      const amountText = text("amount");
      const cents = amountText === undefined ? undefined : parseEuros(amountText);
      const problems: Record<string, string> = cents === null ? { amountCents: "commitments.validation.euros" } : {};
      let input: RealisationInput;
      try {
        input = parseInput(RealisationInput, { date: text("date"), amountCents: cents ?? undefined, description: text("description"), evidence: text("evidenceReference") }, user.locale);
      } catch (error) {
        if (error instanceof AppError && error.fieldKeys) throw validationFailed({ ...error.fieldKeys, ...problems }, user.locale);
        throw error;
      }
      if (Object.keys(problems).length) throw validationFailed(problems, user.locale);
      const evidence = form.get("evidence");
      // No file chosen arrives as a nameless empty part; a named empty file is a file, refused as empty.
      const file = evidence && typeof evidence !== "string" && (evidence.size > 0 || evidence.name !== "") ? { fileName: evidence.name, bytes: new Uint8Array(await evidence.arrayBuffer()) } : null;
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.addRealisation(trx, scope, id, input, file, meta));
      return redirect(`/commitments/${id}?saved=realisation`);
    }
    return json({ formError: "Unknown action" } satisfies FormErrors, { status: 400 });
  } catch (error) {
    if (error instanceof AppError && error.code === "FORBIDDEN") throw new Response("Forbidden", { status: 403 });
    return formError(error, user.locale);
  }
}

export default function CommitmentPage() {
  const t = useT();
  const locale = useLocale();
  const { commitment: c, canEdit, canConfirm, isPartner, today, maxBytes } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>() as FormErrors | undefined;
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const tooLarge = params.get("error") === "tooLarge";
  const nextStatuses = COMMITMENT_STATUSES.filter((status) => canMoveTo(c.status, status));
  const field = (name: string) => errors?.fields?.[name];
  return (
    <div className="page">
      <p>{isPartner ? <Link to="/portal#portal-commitments">← {t("portal.title")}</Link> : <Link to="/commitments">{t("commitments.back")}</Link>}</p>
      <h1>{c.organisationName} · {c.schoolYear}</h1>
      {saved === "1" ? <Alert tone="success">{t("commitments.saved")}</Alert> : null}
      {saved === "realisation" ? <Alert tone="success">{t("commitments.realisationSaved")}</Alert> : null}
      {saved === "status" || saved === "confirmed" ? <Alert tone="success">{t("commitments.statusSaved")}</Alert> : null}
      {errors?.formError ? <Alert tone="error">{errors.formError}</Alert> : null}
      {errors?.fields?.status ? <Alert tone="error">{errors.fields.status}</Alert> : null}
      <section className="card">
        <dl className="details">
          <dt>{t("commitments.status")}</dt>
          <dd><span className="badge" data-testid="status">{t(`commitments.statuses.${c.status}`)}</span></dd>
          <dt>{t("commitments.kind")}</dt>
          {/* A pledge in money has category "Geld" too: say it once. */}
          <dd>{c.kind === "cash" ? t("commitments.kinds.cash") : `${t(`commitments.kinds.${c.kind}`)} · ${t(`commitments.categories.${c.category}`)}`}</dd>
          {c.valuation ? (
            <>
              <dt>{t("commitments.valuation")}</dt>
              <dd>
                {t(`commitments.valuations.${c.valuation}`)}
                {c.hours !== null && c.hourlyRateCents !== null ? ` (${c.hours.toLocaleString(locale === "nl" ? "nl-NL" : "en-GB")} × ${formatEuros(c.hourlyRateCents, locale)})` : ""}
              </dd>
            </>
          ) : null}
          <dt>{t("commitments.amount")}</dt>
          <dd data-testid="pledged">{formatEuros(c.amountCents, locale)}</dd>
          <dt>{t("commitments.realised")}</dt>
          <dd data-testid="realised">{formatEuros(c.realisedCents, locale)}</dd>
          {c.agreement ? (<><dt>{t("agreements.choose")}</dt><dd><Link to={`/agreements/${c.agreement.id}`}>{t(`agreements.kinds.${c.agreement.kind}`)}: {c.agreement.title}</Link></dd></>) : null}
          {c.agreementReference ? (<><dt>{t("commitments.agreementReference")}</dt><dd>{c.agreementReference}</dd></>) : null}
          {c.notes ? (<><dt>{t("commitments.notes")}</dt><dd>{c.notes}</dd></>) : null}
        </dl>
        <p>{c.confirmedAt ? t("commitments.confirmed", { date: formatMoment(c.confirmedAt, locale) }) : t("commitments.notConfirmed")}</p>
        {c.amountCents > c.realisedCents ? <p>{t("commitments.remaining", { amount: formatEuros(c.amountCents - c.realisedCents, locale) })}</p> : null}
        {canConfirm ? (
          <Form method="post">
            <input type="hidden" name="intent" value="confirm" />
            <button type="submit" className="button">{t("commitments.confirm")}</button>
          </Form>
        ) : null}
        {canEdit ? (
          <div className="actions">
            {nextStatuses.map((status) => (
              <Form method="post" key={status} className="inline-form">
                <input type="hidden" name="intent" value="status" />
                <input type="hidden" name="status" value={status} />
                <input type="hidden" name="version" value={c.version} />
                <button type="submit" className={status === "lapsed" ? "button button-quiet" : "button button-small"}>{t(`commitments.moveTo.${status as "agreed" | "realised" | "accounted" | "lapsed"}`)}</button>
              </Form>
            ))}
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="archive" />
              <button type="submit" className="button button-quiet">{t("commitments.archive")}</button>
            </Form>
          </div>
        ) : null}
      </section>

      <h2>{t("commitments.realisations")}</h2>
      {c.realisations.length === 0 ? (
        <p>{t("commitments.noRealisations")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("commitments.date")}</th>
                <th className="cell-money">{t("commitments.amount")}</th>
                <th>{t("commitments.description")}</th>
                <th>{t("commitments.evidence")}</th>
              </tr>
            </thead>
            <tbody>
              {c.realisations.map((r) => (
                <tr key={r.id}>
                  <td>{formatDay(r.date, locale)}</td>
                  <td className="cell-money">{formatEuros(r.amountCents, locale)}</td>
                  <td>
                    {r.activity ? (
                      <span className="task-meta">{t("inKind.fromActivity")}: <Link to={`/activities/${r.activity.id}`}>{t(`activities.types.${r.activity.type}`)} · {r.activity.title}</Link>{r.hours !== null ? ` (${r.hours.toLocaleString(locale === "nl" ? "nl-NL" : "en-GB")} ${t("inKind.hours").toLowerCase()})` : ""}<br /></span>
                    ) : null}
                    {r.description}
                  </td>
                  <td>
                    {r.document ? <a href={`/api/v1/documents/${r.document.id}`} download={r.document.fileName}>{t("commitments.download", { name: r.document.fileName })}</a> : null}
                    {r.document && r.evidence ? " · " : null}
                    {r.evidence}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {canEdit && c.status !== "lapsed" && c.status !== "accounted" ? (
        <>
          <h2>{t("commitments.addRealisation")}</h2>
          {tooLarge ? <Alert tone="error">{t("commitments.validation.evidenceTooLarge")}</Alert> : null}
          {/* A plain multipart upload: the server's 10 MB refusal then arrives as this page with a message. */}
          <Form method="post" encType="multipart/form-data" reloadDocument className="card stack" noValidate>
            <input type="hidden" name="intent" value="realisation" />
            <TextField label={t("commitments.date")} name="date" type="date" defaultValue={today} error={field("date")} required />
            <TextField label={t("commitments.amountEuros")} name="amount" inputMode="decimal" placeholder="2.500,00" error={field("amountCents")} required />
            <TextField label={t("commitments.description")} name="description" hint={t("commitments.descriptionHint")} error={field("description")} />
            <TextField label={t("commitments.evidenceReference")} name="evidenceReference" maxLength={500} />
            <TextField label={t("commitments.evidenceFile")} name="evidence" type="file" accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg" data-max-bytes={maxBytes} error={field("evidence")} />
            <div className="actions">
              <button type="submit" className="button">{t("commitments.addRealisation")}</button>
            </div>
          </Form>
        </>
      ) : null}
    </div>
  );
}
