import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { COMMITMENT_KINDS, COMMITMENT_STATUSES } from "../../db/schema";
import { ListCommitmentsInput } from "../../server/domains/commitments/commitments.schemas";
import { formatEuros } from "../../server/domains/commitments/commitments.amounts";
import { SelectField, TextField } from "../components/ui/field";
import { Combobox } from "../components/ui/combobox";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { useLocale, useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Cofinanciering · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "organisation.read");
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  const filters = parseInput(ListCommitmentsInput, params, user.locale);
  const { limit: _limit, cursor: _cursor, ...set } = filters;
  const scope = scopeOf(user);
  const [page, totals, partners] = await Promise.all([
    context.server.listCommitments(context.db, scope, filters),
    context.server.commitmentTotals(context.db, scope, set),
    context.server.listOrganisationsWithCommitments(context.db, scope),
  ]);
  return {
    commitments: page.items.map((c) => ({
      id: c.id, organisationName: c.organisationName, schoolYear: c.schoolYear, kind: c.kind, category: c.category,
      amountCents: c.amountCents, realisedCents: c.realisedCents, status: c.status,
    })),
    nextCursor: page.nextCursor,
    totals,
    partners,
    canCreate: userCan(user, "money.write"),
    isStaff: userCan(user, "region.read"),
    canSeeTarget: userCan(user, "money.read"),
  };
}

export default function CommitmentsPage() {
  const t = useT();
  const locale = useLocale();
  const { commitments, nextCursor, totals, partners, canCreate, isStaff, canSeeTarget } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("cursor", nextCursor);
  return (
    <div className="page">
      <div className="actions page-title">
        <h1>{t("commitments.title")}</h1>
        {canCreate ? <Link className="button" to="/commitments/new">{t("commitments.new")}</Link> : null}
        {canSeeTarget ? <Link to={params.get("schoolYear") ? `/cofinancing/${params.get("schoolYear")}` : "/cofinancing"}>{t("cofinancing.nav")}</Link> : null}
      </div>
      <p className="lead">{t("commitments.intro")}</p>
      <p className="actions">
        {isStaff ? <Link to="/commitments/in-kind">{t("inKind.link")}</Link> : null}
        <Link to="/agreements">{t("agreements.link")}</Link>
      </p>
      <Form method="get" className="card filters" role="search">
        <TextField label={t("commitments.schoolYear")} name="schoolYear" placeholder="2025-2026" defaultValue={params.get("schoolYear") ?? ""} />
        <SelectField label={t("commitments.status")} name="status" defaultValue={params.get("status") ?? ""}>
          <option value="">{t("commitments.all")}</option>
          {COMMITMENT_STATUSES.map((status) => <option key={status} value={status}>{t(`commitments.statuses.${status}`)}</option>)}
        </SelectField>
        <SelectField label={t("commitments.kind")} name="kind" defaultValue={params.get("kind") ?? ""}>
          <option value="">{t("commitments.all")}</option>
          {COMMITMENT_KINDS.map((kind) => <option key={kind} value={kind}>{t(`commitments.kinds.${kind}`)}</option>)}
        </SelectField>
        <Combobox label={t("commitments.organisation")} name="organisationId" options={partners} defaultValue={params.get("organisationId")} emptyLabel={t("commitments.all")} />
        <div className="actions">
          <button type="submit" className="button">{t("commitments.filter")}</button>
          <Link to="/commitments">{t("organisations.clear")}</Link>
        </div>
      </Form>
      <ul className="health-tiles commitment-totals" aria-label={t("commitments.totalsCount", { count: totals.count })}>
        <li className="health-tile">
          <span className="health-tile-count" data-testid="total-pledged">{formatEuros(totals.pledgedCents, locale)}</span> {t("commitments.totalsPledged")}
        </li>
        <li className="health-tile">
          <span className="health-tile-count" data-testid="total-realised">{formatEuros(totals.realisedCents, locale)}</span> {t("commitments.totalsRealised")}
        </li>
      </ul>
      {commitments.length === 0 ? (
        <p>{t("commitments.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("commitments.organisation")}</th>
                <th>{t("commitments.schoolYear")}</th>
                <th>{t("commitments.kind")}</th>
                <th>{t("commitments.category")}</th>
                <th className="cell-money">{t("commitments.amount")}</th>
                <th className="cell-money">{t("commitments.realised")}</th>
                <th>{t("commitments.status")}</th>
              </tr>
            </thead>
            <tbody>
              {commitments.map((c) => (
                <tr key={c.id}>
                  <td><Link to={`/commitments/${c.id}`}>{c.organisationName}</Link></td>
                  <td>{c.schoolYear}</td>
                  <td>{t(`commitments.kinds.${c.kind}`)}</td>
                  <td>{t(`commitments.categories.${c.category}`)}</td>
                  <td className="cell-money">{formatEuros(c.amountCents, locale)}</td>
                  <td className="cell-money">{formatEuros(c.realisedCents, locale)}</td>
                  <td><span className="badge">{t(`commitments.statuses.${c.status}`)}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? <p><Link to={`/commitments?${nextParams}`}>{t("commitments.more")}</Link></p> : null}
    </div>
  );
}
