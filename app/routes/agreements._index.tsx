import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { AGREEMENT_KINDS } from "../../db/schema";
import { AGREEMENT_REMINDER_DAYS, ListAgreementsInput } from "../../server/domains/agreements/agreements.schemas";
import { AgreementExpiry } from "../components/organisation-agreements";
import { CheckboxField, SelectField } from "../components/ui/field";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { formatDay, useLocale, useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Overeenkomsten · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "organisation.read");
  const search = new URL(request.url).searchParams;
  const params = Object.fromEntries([...search].filter(([key, value]) => value !== "" && key !== "expiring"));
  if (search.get("expiring")) params.expiringWithinDays = String(AGREEMENT_REMINDER_DAYS);
  const filters = parseInput(ListAgreementsInput, params, user.locale);
  const today = toLocalDate(context.clock.now());
  const page = await context.server.listAgreements(context.db, scopeOf(user), filters, today);
  return {
    agreements: page.items.map((a) => ({ id: a.id, kind: a.kind, title: a.title, parties: a.organisations.map((o) => o.name), signedOn: a.signedOn, expiresOn: a.expiresOn, ownerName: a.ownerName })),
    nextCursor: page.nextCursor,
    today,
    canCreate: userCan(user, "money.write"),
  };
}

export default function AgreementsPage() {
  const t = useT();
  const locale = useLocale();
  const { agreements, nextCursor, today, canCreate } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("cursor", nextCursor);
  return (
    <div className="page">
      <div className="actions page-title">
        <h1>{t("agreements.title")}</h1>
        {canCreate ? <Link className="button" to="/agreements/new">{t("agreements.new")}</Link> : null}
      </div>
      <p className="lead">{t("agreements.intro")}</p>
      <Form method="get" className="card filters" role="search">
        <SelectField label={t("agreements.kind")} name="kind" defaultValue={params.get("kind") ?? ""}>
          <option value="">{t("agreements.all")}</option>
          {AGREEMENT_KINDS.map((kind) => <option key={kind} value={kind}>{t(`agreements.kinds.${kind}`)}</option>)}
        </SelectField>
        <CheckboxField label={t("agreements.expiringSoon")} name="expiring" value="1" defaultChecked={params.get("expiring") === "1"} />
        <div className="actions">
          <button type="submit" className="button">{t("agreements.filter")}</button>
          <Link to="/agreements">{t("organisations.clear")}</Link>
        </div>
      </Form>
      {agreements.length === 0 ? (
        <p>{t("agreements.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("agreements.titleField")}</th>
                <th>{t("agreements.kind")}</th>
                <th>{t("agreements.parties")}</th>
                <th>{t("agreements.signedOn")}</th>
                <th>{t("agreements.expiresOn")}</th>
                <th>{t("agreements.owner")}</th>
              </tr>
            </thead>
            <tbody>
              {agreements.map((a) => (
                <tr key={a.id}>
                  <td><Link to={`/agreements/${a.id}`}>{a.title}</Link></td>
                  <td>{t(`agreements.kinds.${a.kind}`)}</td>
                  <td>{a.parties.join(", ")}</td>
                  <td>{formatDay(a.signedOn, locale)}</td>
                  <td><AgreementExpiry expiresOn={a.expiresOn} today={today} /></td>
                  <td>{a.ownerName ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? <p><Link to={`/agreements?${nextParams}`}>{t("agreements.more")}</Link></p> : null}
    </div>
  );
}
