import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { parseInput } from "../../server/validation";
import { ListInput } from "../../server/domains/users/users.schemas";
import { Alert } from "../components/ui/alert";
import { requirePermission } from "../utils/auth.server";
import { formatMoment, useLocale, useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "E-mail · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const admin = requirePermission(context, request, "region.manage");
  const { limit, cursor } = parseInput(ListInput, Object.fromEntries(new URL(request.url).searchParams));
  const page = await context.server.listOutbox(context.db, admin.regionId, { limit, cursor });
  return { emails: page.items, nextCursor: page.nextCursor, hasSmtp: Boolean(context.config.smtpUrl) };
}

export default function OutboxPage() {
  const t = useT();
  const locale = useLocale();
  const { emails, nextCursor, hasSmtp } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>{t("outbox.title")}</h1>
      <p className="lead">{t("outbox.intro")}</p>
      {hasSmtp ? null : <Alert tone="info">{t("outbox.noSmtp")}</Alert>}
      {emails.length === 0 ? (
        <p>{t("outbox.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("outbox.to")}</th>
                <th>{t("outbox.subject")}</th>
                <th>{t("common.status")}</th>
                <th>{t("outbox.queuedAt")}</th>
                <th>{t("outbox.attempts")}</th>
              </tr>
            </thead>
            <tbody>
              {emails.map((email) => (
                <tr key={email.id}>
                  <td>{email.toName ? `${email.toName} <${email.toAddress}>` : email.toAddress}</td>
                  <td><Link to={email.id}>{email.subject}</Link></td>
                  <td><span className={`badge ${email.status === "sent" ? "badge-success" : email.status === "failed" ? "badge-danger" : ""}`}>{t(`outbox.statuses.${email.status}`)}</span></td>
                  <td>{formatMoment(email.createdAt, locale)}</td>
                  <td>{email.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? <p><Link to={`?cursor=${encodeURIComponent(nextCursor)}`}>→</Link></p> : null}
    </div>
  );
}
