import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AppError } from "../../server/errors";
import { requirePermission } from "../utils/auth.server";
import { formatMoment, useLocale, useT } from "../utils/i18n";
import { recordIdOf } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "E-mail · Schakel" }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const admin = requirePermission(context, request, "region.manage");
  const email = await context.server.findOutboxEmail(context.db, admin.regionId, recordIdOf(params));
  if (!email) throw new AppError("NOT_FOUND", "No such email");
  return { email };
}

/**
 * Shows the plain-text version: it carries the same content and links as the HTML, and showing the
 * HTML would need a frame or inline styles that the Content-Security-Policy rightly forbids.
 */
export default function OutboxEmailPage() {
  const t = useT();
  const locale = useLocale();
  const { email } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <p><Link to="/admin/outbox">← {t("outbox.title")}</Link></p>
      <h1>{email.subject}</h1>
      <p className="lead">
        {t("outbox.to")}: {email.toAddress} · {t(`outbox.statuses.${email.status}`)} · {formatMoment(email.createdAt, locale)}
      </p>
      <pre className="card email-text" data-testid="email-text">{email.text}</pre>
    </div>
  );
}
