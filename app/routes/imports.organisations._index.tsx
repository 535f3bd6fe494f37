import type { ImportTable } from "../../server/domains/imports/imports.parse";
import { json, redirect, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type UploadHandler } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { TextField } from "../components/ui/field";
import { AppError } from "../../server/errors";
import { requirePermission } from "../utils/auth.server";
import { importErrorMessage, ImportSteps } from "../utils/imports";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Organisaties importeren · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  requirePermission(context, request, "organisation.import");
  // Set by the server's body limit, which answers a file over 50 MB before Remix sees it.
  const tooLarge = new URL(request.url).searchParams.get("error") === "tooLarge";
  return { tooLarge, maxBytes: context.server.MAX_IMPORT_BYTES };
}

/**
 * Step 1: the file is read as it arrives, straight from the form's multipart stream (never held
 * whole: decision 095), and kept server-side (for 24 hours) as a staged import; the mapping step follows.
 */
export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "organisation.import");
  try {
    const staged = await context.server.withImportSlot(async () => {
      let file: { name: string; table: ImportTable } | undefined;
      const readFile: UploadHandler = async ({ name, filename, contentType, data }) => {
        // A browser sends an empty part with filename="" when no file was chosen; anything but the file is skipped unread.
        if (name !== "file" || !filename || file) {
          for await (const chunk of data) void chunk;
          return undefined;
        }
        let received = 0;
        const counted = (async function* () {
          for await (const chunk of data) {
            received += chunk.byteLength;
            yield chunk;
          }
        })();
        try {
          file = { name: filename, table: await context.server.readImportStream(counted, { contentType, fileName: filename }) };
        } catch (error) {
          if (received === 0) throw noFile();
          throw error;
        }
        return "read";
      };
      try {
        await unstable_parseMultipartFormData(request, readFile);
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw noFile();
      }
      if (!file) throw noFile();
      const { name, table } = file;
      return context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.stageImport(trx, scope.regionId, { fileName: name.slice(0, 255) || "import", table }, meta));
    });
    return redirect(`/imports/organisations/${staged.id}`);
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    const headers: HeadersInit = error.code === "RATE_LIMITED" ? { "Retry-After": String(context.server.IMPORT_RETRY_AFTER_SECONDS) } : {};
    return json({ formError: importErrorMessage(error, user.locale) }, { status: error.status, headers });
  }
}

function noFile() {
  return new AppError("VALIDATION_FAILED", "Choose a file", { userMessageKey: "imports.errors.noFile" });
}

export default function ImportUploadPage() {
  const t = useT();
  const { tooLarge, maxBytes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // Checked in the browser too, so nobody waits for 50 MB to upload only to hear it is too large.
  const [clientError, setClientError] = useState<string | undefined>();
  const formError = result?.formError ?? (tooLarge ? t("imports.errors.tooLarge") : undefined);
  return (
    <div className="page page-narrow">
      <h1>{t("imports.title")}</h1>
      <ImportSteps current="upload" />
      <p className="lead">{t("imports.intro")}</p>
      {/* A plain browser upload: the browser shows its own progress for a large file, and the server's 50 MB refusal arrives as a page. */}
      <Form method="post" encType="multipart/form-data" reloadDocument className="card stack">
        <TextField
          label={t("imports.file")}
          name="file"
          type="file"
          required
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          // Every refusal here is about the file, so it is said next to the file field.
          error={clientError ?? formError}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            setClientError(file && file.size > maxBytes ? t("imports.errors.tooLarge") : undefined);
          }}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={Boolean(clientError)}>{t("imports.upload")}</button>
          <Link to="/organisations">{t("common.cancel")}</Link>
        </div>
      </Form>
    </div>
  );
}
