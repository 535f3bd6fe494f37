import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { recordIdOf } from "../utils/page-inputs.server";
import { IMPORT_FIELDS, mappingFromForm } from "../../server/domains/imports/imports.fields";
import { Alert } from "../components/ui/alert";
import { SelectField } from "../components/ui/field";
import { formValues, type FormErrors } from "../utils/forms.server";
import { AppError } from "../../server/errors";
import { translateFields } from "../../server/validation";
import { requirePermission } from "../utils/auth.server";
import { importErrorMessage, ImportSteps } from "../utils/imports";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Organisaties importeren · Schakel" }];

const PREVIEW_ROWS = 100;
const LISTED_ERRORS = 500;

function letter(index: number) {
  let out = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

/** The import of this region, or 404: another region's staged import is not revealed. */
async function findImport(context: LoaderFunctionArgs["context"], regionId: string, id: string | undefined) {
  return context.server.getImport(context.db, regionId, recordIdOf({ id }), context.clock.now());
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "organisation.import");
  const record = await findImport(context, user.regionId, params.id);
  const base = { id: record.id, fileName: record.fileName, rowCount: record.rowCount };
  if (record.status === "committed") return { ...base, step: "done" as const, counts: record.counts };

  if (!record.mappingConfirmed || new URL(request.url).searchParams.get("step") === "mapping") {
    const sample = await context.server.getImportSample(context.db, user.regionId, record.id);
    const mapping = record.mapping ?? context.server.guessMapping(record.headers);
    const columns = record.headers.map((header, index) => ({
      index, header, letter: letter(index),
      field: mapping[index] === null ? "skip" : (mapping[index] ?? ""),
      example: sample.map((cells) => (cells[index] ?? "").trim()).find(Boolean) ?? "",
    }));
    return { ...base, step: "mapping" as const, columns };
  }

  const { analysis } = await context.server.previewImport(context.db, user.regionId, record.id, context.clock.now());
  const rows = context.server.describeRows(analysis!.rows, record.headers, user.locale);
  const errors = rows.filter((row) => row.outcome === "error");
  return {
    ...base,
    step: "preview" as const,
    counts: analysis!.counts,
    errors: errors.slice(0, LISTED_ERRORS),
    rows: rows.slice(0, PREVIEW_ROWS),
    committing: record.status === "committing",
    interrupted: record.interruptedAt !== null,
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "organisation.import");
  const record = await findImport(context, user.regionId, params.id);
  const values = formValues(await request.formData());
  try {
    if (values.intent === "map") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.setImportMapping(trx, scope.regionId, record.id, mappingFromForm(values, record.headers.length), meta.now));
    } else if (values.intent === "commit") {
      // The commit holds its own transaction and writes its progress on a second connection, for the progress bar.
      await context.server.commitImport(context.db, user.regionId, record.id, context.server.changeMetaOf(context, user));
    } else {
      throw new Response("Bad request", { status: 400 });
    }
    return redirect(`/imports/organisations/${record.id}`);
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    const body: FormErrors = error.fieldKeys ? { fields: translateFields(error.fieldKeys, user.locale) } : { formError: importErrorMessage(error, user.locale) };
    return json(body, { status: error.status });
  }
}

export default function ImportStepsPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("imports.title")}</h1>
      {data.step === "mapping" ? <MappingStep data={data} /> : data.step === "preview" ? <PreviewStep data={data} /> : <DoneStep data={data} />}
    </div>
  );
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

/** Step 2: a select per column of the file, pre-filled from the headers. */
function MappingStep({ data }: { data: Extract<LoaderData, { step: "mapping" }> }) {
  const t = useT();
  const errors = useActionData<typeof action>();
  return (
    <>
      <ImportSteps current="mapping" />
      <p>{t("imports.fileInfo", { fileName: data.fileName, rows: data.rowCount })}</p>
      {errors?.formError ? <Alert tone="error">{errors.formError}</Alert> : null}
      {errors?.fields?.mapping ? <Alert tone="error">{errors.fields.mapping}</Alert> : null}
      <Form method="post" className="card">
        <h2>{t("imports.mappingTitle")}</h2>
        <p>{t("imports.mappingIntro")}</p>
        <div className="import-mapping">
          {data.columns.map((column) => (
            <SelectField
              key={column.index}
              label={`${t("imports.column", { column: column.letter })}: ${column.header || "—"}`}
              hint={column.example ? t("imports.example", { value: column.example }) : undefined}
              name={`column-${column.index}`}
              defaultValue={column.field}
              error={errors?.fields?.[`column-${column.index}`]}
            >
              <option value="">{t("imports.choose")}</option>
              <option value="skip">{t("imports.skip")}</option>
              {IMPORT_FIELDS.map((field) => <option key={field} value={field}>{t(`imports.fields.${field}`)}</option>)}
            </SelectField>
          ))}
        </div>
        <div className="actions">
          <button type="submit" name="intent" value="map" className="button">{t("imports.toPreview")}</button>
          <Link to="/imports/organisations">{t("imports.another")}</Link>
        </div>
      </Form>
    </>
  );
}

/** Steps 3 and 4: each row's outcome, the errors by row and column, and the all-or-nothing commit with its progress. */
function PreviewStep({ data }: { data: Extract<LoaderData, { step: "preview" }> }) {
  const t = useT();
  const commit = useFetcher<typeof action>();
  const progress = useFetcher<{ status: string; done: number; total: number }>();
  const busy = commit.state !== "idle" || data.committing;
  // With JavaScript the commit answers its fetcher; without, the page itself.
  const actionData = useActionData<typeof action>();
  const result = commit.data ?? actionData;
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => progress.load(`/imports/organisations/${data.id}/progress`), 500);
    return () => clearInterval(timer);
    // progress.load is stable enough for polling; restarting the timer on every answer would skip beats.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [busy, data.id]);
  // A commit started elsewhere (another tab, a colleague) that finishes: show its result.
  const revalidator = useRevalidator();
  // A commit that ended elsewhere (another tab, a colleague), or was cut off and is staged again: show how it stands.
  const finishedElsewhere = data.committing && commit.state === "idle" && progress.data !== undefined && progress.data.status !== "committing";
  useEffect(() => {
    if (finishedElsewhere && revalidator.state === "idle") revalidator.revalidate();
  }, [finishedElsewhere, revalidator]);
  const { counts } = data;
  const hasErrors = counts.error > 0;
  return (
    <>
      <ImportSteps current={busy ? "commit" : "preview"} />
      <h2>{t("imports.previewTitle")}</h2>
      <p>{t("imports.fileInfo", { fileName: data.fileName, rows: data.rowCount })}</p>
      <p role="status">{t("imports.counts", counts)}</p>
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      {data.interrupted && !busy ? <Alert tone="error">{t("imports.interrupted")}</Alert> : null}
      {hasErrors ? (
        <section className="card" aria-labelledby="import-errors">
          <h3 id="import-errors">{t("imports.errorsTitle")}</h3>
          <p>{t("imports.errorsIntro")}</p>
          <ul className="plain-list">
            {data.errors.flatMap((row) =>
              row.reasons.map((reason, index) => (
                <li key={`${row.row}-${index}`}>
                  {reason.columnLetter
                    ? t("imports.errorAt", { row: row.row, column: `${reason.columnLetter} (${reason.column ?? ""})`, message: reason.message })
                    : t("imports.errorAtRow", { row: row.row, message: reason.message })}
                </li>
              )),
            )}
          </ul>
          {counts.error > data.errors.length ? <p>{t("imports.moreErrors", { count: counts.error - data.errors.length })}</p> : null}
        </section>
      ) : null}
      <commit.Form method="post" className="actions">
        <button type="submit" name="intent" value="commit" className="button" disabled={hasErrors || busy} aria-describedby={hasErrors ? "commit-disabled" : undefined}>
          {busy ? t("imports.committing") : t("imports.commit")}
        </button>
        <Link to="?step=mapping">{t("imports.backToMapping")}</Link>
        <Link to="/imports/organisations">{t("imports.another")}</Link>
      </commit.Form>
      {hasErrors ? <p id="commit-disabled">{t("imports.commitDisabled")}</p> : null}
      {busy ? (
        <div role="status">
          <progress className="import-progress" max={progress.data?.total || 1} value={progress.data?.done ?? 0} />
          <p>{t("imports.progress", { done: progress.data?.done ?? 0, total: progress.data?.total ?? data.rowCount })}</p>
        </div>
      ) : null}
      <h3>{t("imports.rowsTitle")}</h3>
      {data.rowCount > data.rows.length ? <p>{t("imports.firstRows", { count: data.rows.length, total: data.rowCount })}</p> : null}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t("imports.row")}</th>
              <th>{t("imports.fields.name")}</th>
              <th>{t("imports.outcome")}</th>
              <th>{t("imports.details")}</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row) => (
              <tr key={row.row} className={row.outcome === "error" ? "outcome-error" : undefined}>
                <td>{row.row}</td>
                <td>{row.name}</td>
                <td><span className={`badge${row.outcome === "error" ? " badge-danger" : row.outcome === "new" ? " badge-success" : ""}`}>{t(`imports.outcomes.${row.outcome}`)}</span></td>
                <td>
                  {row.outcome === "error"
                    ? row.reasons.map((reason) => `${reason.columnLetter ? `${reason.columnLetter} (${reason.column ?? ""}): ` : ""}${reason.message}`).join(" ")
                    : row.outcome === "duplicate"
                      ? t(row.addsContact ? "imports.duplicateOf" : "imports.duplicateSkipped", { row: row.duplicateOfRow ?? "" })
                      : row.addsContact
                        ? t("imports.addsContact")
                        : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function DoneStep({ data }: { data: Extract<LoaderData, { step: "done" }> }) {
  const t = useT();
  const counts = data.counts ?? { new: 0, update: 0, duplicate: 0, error: 0, contacts: 0 };
  return (
    <>
      <Alert tone="success">{t("imports.done", counts)}</Alert>
      <p className="actions">
        <Link className="button" to="/organisations">{t("imports.toList")}</Link>
        <Link to="/imports/organisations">{t("imports.another")}</Link>
      </p>
    </>
  );
}
