import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getRegion } from "../services.server";
import { requireUser } from "../utils/auth.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Overzicht · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const region = await getRegion(context.db, user.regionId);
  return { name: user.name, role: user.role, regionName: region.name };
}

export default function DashboardPage() {
  const t = useT();
  const { name, role, regionName } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("dashboard.welcome", { name })}</h1>
      <p className="lead">{t("dashboard.roleInRegion", { role: t(`roles.${role}`), region: regionName })}</p>
      <div className="card">
        <p>{t("dashboard.comingSoon")}</p>
      </div>
    </div>
  );
}
