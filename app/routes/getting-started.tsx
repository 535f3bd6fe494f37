import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GettingStartedChecklist } from "../components/getting-started";
import { scopeOf } from "../../server/auth/current-user";
import { requirePermission } from "../utils/auth.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Aan de slag · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.manage");
  return { checklist: await context.server.gettingStarted(context.db, scopeOf(user)) };
}

/** "Verbergen" on the start page: the list is put away for the region; this page keeps it. */
export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "region.manage");
  const intent = (await request.formData()).get("intent");
  if (intent === "dismiss") {
    await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.dismissGettingStarted(trx, scope, meta));
    return redirect("/");
  }
  throw new Response("Bad request", { status: 400 });
}

export default function GettingStartedPage() {
  const t = useT();
  const { checklist } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("gettingStarted.title")}</h1>
      <p className="lead">{t("gettingStarted.intro")}</p>
      <GettingStartedChecklist checklist={checklist} />
    </div>
  );
}
