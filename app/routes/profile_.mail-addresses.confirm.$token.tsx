import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DEFAULT_LOCALE } from "../../i18n";
import { Alert } from "../components/ui/alert";
import { type FormErrors, formError, parseForm, refusedByLimit } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { ConfirmSenderAddressInput } from "../utils/page-inputs.server";

/**
 * The link the confirmation mail of a further sender address carries (issue 16). It is for whoever
 * reads that mailbox: the token is the proof, so no sign-in is needed, and whoever is signed in in
 * this browser does not matter. Opening the link only shows the address; the button confirms it, so
 * a mail scanner that follows links confirms nothing (decision 115). The page runs outside the
 * region scope, as the other link pages do (server/app.ts), and the access log leaves the token out.
 */

export const meta: MetaFunction = () => [{ title: "Afzenderadres bevestigen · Schakel" }, { name: "robots", content: "noindex" }];

// A rate-limited link answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

type State = { state: "valid"; email: string } | { state: "expired" } | { state: "invalid" };

export async function loader({ context, params }: LoaderFunctionArgs) {
  // Links are long random secrets; still, an address may try only so many (issue 14, item 8).
  const locale = context.user?.locale ?? DEFAULT_LOCALE;
  const refused = await refusedByLimit(() => context.server.limitLinkTokenCheck(context.db, context.ip, context.clock.now()), locale);
  if (refused) return refused;
  const found = await context.server.findSenderAddressConfirmation(context.db, params.token ?? "", context.clock.now());
  const state: State = !found ? { state: "invalid" } : found.expired ? { state: "expired" } : { state: "valid", email: found.email };
  return json({ ...state, signedIn: Boolean(context.user) });
}

type ActionData = FormErrors & { confirmed?: string; invalid?: true };

export async function action({ context, params, request }: ActionFunctionArgs) {
  const locale = context.user?.locale ?? DEFAULT_LOCALE;
  try {
    parseForm(ConfirmSenderAddressInput, await request.formData(), locale);
    await context.server.limitLinkTokenCheck(context.db, context.ip, context.clock.now());
    const confirmed = await context.server.runSystemChange(context, (trx, meta) => context.server.confirmSenderAddress(trx, params.token ?? "", meta.now));
    if (!confirmed) return json<ActionData>({ invalid: true }, { status: 404 });
    return json<ActionData>({ confirmed: confirmed.email });
  } catch (error) {
    return formError(error, locale);
  }
}

export default function ConfirmSenderAddressPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const signedIn = "signedIn" in data && data.signedIn;
  const toProfile = signedIn ? <p><Link to="/profile">{t("confirmSender.toProfile")}</Link></p> : null;
  return (
    <div className="page page-narrow">
      <h1>{t("confirmSender.title")}</h1>
      {result?.confirmed ? (
        <>
          <Alert tone="success">{t("confirmSender.confirmed", { email: result.confirmed })}</Alert>
          {toProfile}
        </>
      ) : result?.invalid ? (
        <>
          <Alert tone="error">{t("confirmSender.invalid")}</Alert>
          {toProfile}
        </>
      ) : "rateLimited" in data ? (
        <Alert tone="error">{data.rateLimited}</Alert>
      ) : data.state === "valid" ? (
        <>
          <p className="lead">{t("confirmSender.intro", { email: data.email })}</p>
          {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
          <Form method="post">
            <button type="submit" name="intent" value="confirm" className="button">{t("confirmSender.submit")}</button>
          </Form>
        </>
      ) : (
        <>
          <Alert tone="error">{t(data.state === "expired" ? "confirmSender.expired" : "confirmSender.invalid")}</Alert>
          {toProfile}
        </>
      )}
    </div>
  );
}
