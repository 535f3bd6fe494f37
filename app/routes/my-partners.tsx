import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listMyTasks, listOrganisations, scopeOf, toLocalDate } from "../services.server";
import { requirePermission } from "../utils/auth.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Mijn partners · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const scope = scopeOf(user);
  const [page, tasks] = await Promise.all([
    listOrganisations(context.db, scope, { accountHolderId: user.id, limit: 200 }),
    listMyTasks(context.db, scope, user.id, { status: "open", today: toLocalDate(context.clock.now()) }),
  ]);
  // Open tasks per organisation, so the list shows where work is waiting.
  const openTasks = new Map<string, number>();
  for (const task of tasks.items) if (task.organisationId) openTasks.set(task.organisationId, (openTasks.get(task.organisationId) ?? 0) + 1);
  return {
    partners: page.items.map((o) => ({ id: o.id, name: o.name, kind: o.kind, city: o.city, tier: o.tier, openTasks: openTasks.get(o.id) ?? 0 })),
    hasMore: page.nextCursor !== null,
    userId: user.id,
  };
}

/** The organisations the signed-in user owns: their "Mijn partners". */
export default function MyPartnersPage() {
  const t = useT();
  const { partners, hasMore, userId } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("myPartners.title")}</h1>
      <p className="lead">{t("myPartners.intro")}</p>
      {partners.length === 0 ? (
        <p>{t("myPartners.none")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("organisations.fields.name")}</th>
                <th>{t("organisations.fields.kind")}</th>
                <th>{t("organisations.fields.city")}</th>
                <th>{t("organisations.fields.tier")}</th>
                <th>{t("myPartners.openTasks")}</th>
              </tr>
            </thead>
            <tbody>
              {partners.map((o) => (
                <tr key={o.id}>
                  <td><Link to={`/organisations/${o.id}`}>{o.name}</Link></td>
                  <td>{t(`organisations.kinds.${o.kind}`)}</td>
                  <td>{o.city}</td>
                  <td>{t(`organisations.tiers.${o.tier}`)}</td>
                  <td>{o.openTasks || ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {hasMore ? <p><Link to={`/organisations?accountHolderId=${userId}`}>{t("myPartners.all")}</Link></p> : null}
    </div>
  );
}
