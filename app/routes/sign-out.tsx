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
  if (context.user && everywhere) await context.sessions.invalidateOthers(context.user.id, context.sessionId);
  if (context.sessionId) headers.append("Set-Cookie", await context.sessions.invalidate(context.sessionId, context.isSecure));
  return redirect("/sign-in?signedOut=1", { headers });
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
