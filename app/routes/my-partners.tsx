import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ListOrganisationsInput } from "../../server/domains/organisations/organisations.schemas";
import { HealthBadge } from "../components/health";
import { currentSort, SortHeader } from "../components/sort-header";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { requirePermission } from "../utils/auth.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Mijn partners · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const scope = scopeOf(user);
  const url = new URL(request.url);
  // The organisation list's own schema reads the sort, so an unknown column is its default here too.
  const { sort, dir } = parseInput(ListOrganisationsInput.pick({ sort: true, dir: true }), Object.fromEntries(url.searchParams), user.locale);
  const [page, tasks] = await Promise.all([
    context.server.listOrganisations(context.db, scope, { accountHolderId: user.id, limit: 200, sort, dir }),
    context.server.listMyTasks(context.db, scope, user.id, { status: "open", today: toLocalDate(context.clock.now()) }),
  ]);
  const health = await context.server.healthStatesOf(context.db, scope, page.items.map((o) => o.id));
  // Open tasks per organisation, so the list shows where work is waiting.
  const openTasks = new Map<string, number>();
  for (const task of tasks.items) if (task.organisationId) openTasks.set(task.organisationId, (openTasks.get(task.organisationId) ?? 0) + 1);
  const all = new URLSearchParams({ accountHolderId: user.id, sort });
  if (dir) all.set("dir", dir);
  return {
    partners: page.items.map((o) => ({ id: o.id, name: o.name, kind: o.kind, city: o.city, tier: o.tier, health: health[o.id] ?? null, openTasks: openTasks.get(o.id) ?? 0 })),
    hasMore: page.nextCursor !== null,
    sort: currentSort(sort, dir),
    allAddress: `/organisations?${all}`,
  };
}

/** The organisations the signed-in user owns: their "Mijn partners", with each relationship's health. */
export default function MyPartnersPage() {
  const t = useT();
  const { partners, hasMore, sort, allAddress } = useLoaderData<typeof loader>();
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
                <SortHeader column="name" current={sort}>{t("organisations.fields.name")}</SortHeader>
                <SortHeader column="kind" current={sort}>{t("organisations.fields.kind")}</SortHeader>
                <SortHeader column="city" current={sort}>{t("organisations.fields.city")}</SortHeader>
                <SortHeader column="tier" current={sort}>{t("organisations.fields.tier")}</SortHeader>
                <SortHeader column="health" current={sort}>{t("organisations.health")}</SortHeader>
                <th scope="col">{t("myPartners.openTasks")}</th>
              </tr>
            </thead>
            <tbody>
              {partners.map((o) => (
                <tr key={o.id}>
                  <td><Link to={`/organisations/${o.id}`}>{o.name}</Link></td>
                  <td>{t(`organisations.kinds.${o.kind}`)}</td>
                  <td>{o.city}</td>
                  <td>{t(`organisations.tiers.${o.tier}`)}</td>
                  <td>{o.health ? <HealthBadge state={o.health} /> : null}</td>
                  <td>{o.openTasks || ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="actions">
        <Link to={allAddress}>{hasMore ? t("myPartners.all") : t("myPartners.allFiltered")}</Link>
      </p>
    </div>
  );
}
