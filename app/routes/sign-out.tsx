import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form } from "@remix-run/react";
import { CheckboxField } from "../components/ui/field";
import { useT } from "../utils/i18n";

export async function loader({ context }: LoaderFunctionArgs) {
  if (!context.user) throw redirect("/sign-in");
  return null;
}

/** Signing out ends this session in the database, not only the cookie; on request every other one too. */
export async function action({ context, request }: ActionFunctionArgs) {
  const headers = new Headers();
  const everywhere = (await request.formData()).get("everywhere") === "on";
  let tokensRevoked = 0;
  if (context.user && everywhere) {
    const user = context.user;
    // Everywhere includes the API: a token made on a lost laptop stops too (issue 14, item 7).
    tokensRevoked = await context.server.runChange(context, user, async ({ trx, meta }) => {
      await context.server.endOtherSessions(trx, user.id, context.sessionId);
      return context.server.revokeAllApiTokens(trx, user.id, { reason: "signed_out_everywhere", now: meta.now, appUrl: meta.appUrl });
    });
  }
  if (context.sessionId) headers.append("Set-Cookie", await context.sessions.invalidate(context.sessionId, context.isSecure));
  return redirect(`/sign-in?signedOut=1${tokensRevoked ? `&tokensRevoked=${tokensRevoked}` : ""}`, { headers });
}

export default function SignOutPage() {
  const t = useT();
  return (
    <div className="page page-narrow">
      <h1>{t("signOut.title")}</h1>
      <p>{t("signOut.confirm")}</p>
      <Form method="post">
        <CheckboxField label={t("signOut.everywhere")} name="everywhere" />
        <button type="submit" className="button">{t("signOut.submit")}</button>
      </Form>
    </div>
  );
}
