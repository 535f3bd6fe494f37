import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ROLES } from "../../db/schema";
import { ChangeRoleInput, InviteUserInput, ListInput } from "../../server/domains/users/users.schemas";
import { parseInput } from "../../server/validation";
import { Alert } from "../components/ui/alert";
import { ConfirmButton } from "../components/ui/confirm-button";
import { CheckboxField, SelectField, TextField } from "../components/ui/field";
import { translator } from "../../i18n";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { UserTarget } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Gebruikers · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const admin = requirePermission(context, request, "region.manage");
  const { limit, cursor } = parseInput(ListInput, Object.fromEntries(new URL(request.url).searchParams));
  const page = await context.server.listUsers(context.db, admin.regionId, { limit, cursor });
  const owned = await context.server.countOwnedOrganisations(context.db, admin.regionId, page.items.filter((user) => !user.active).map((user) => user.id));
  const security = { ...(await context.server.regionTwoFactorRequirement(context.db, admin.regionId)), ...(await context.server.regionRetention(context.db, admin.regionId)) };
  const partnerWork = await context.server.partnerWorkRule(context.db, admin.regionId);
  return { users: page.items, nextCursor: page.nextCursor, currentUserId: admin.id, owned, security, partnerWork };
}

type ActionData = FormErrors & { intent?: string; userId?: string; success?: string };

export async function action({ context, request }: ActionFunctionArgs) {
  const admin = requirePermission(context, request, "region.manage");
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const t = translator(admin.locale);
  try {
    if (intent === "invite") {
      const input = parseForm(InviteUserInput, formData, admin.locale);
      await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.createUser(trx, { ...input, regionId: scope.regionId }, meta));
      return json<ActionData>({ intent, success: t("users.invited", { email: input.email }) });
    }
    if (intent === "two-factor-requirement") {
      await context.server.runChange(context, admin, ({ trx, scope, meta }) =>
        context.server.setRegionTwoFactorRequirement(trx, scope.regionId, formData.get("requireTwoFactor") === "on", { actorId: scope.userId, now: meta.now }));
      return json<ActionData>({ intent, success: t("twoFactor.regionRequirementSaved") });
    }
    if (intent === "partner-work") {
      await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.setPartnerWorkRule(trx, scope, { everyStaffMember: formData.get("everyStaffMember") === "on" }, meta));
      return json<ActionData>({ intent, success: t("partnerWork.saved") });
    }
    if (intent === "retention") {
      const raw = String(formData.get("retentionMonths") ?? "").trim();
      // Whole months in plain digits only: Number() would also take "0x1F", "1e2" or " 12 ".
      const months = raw === "" ? null : /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
      if (months !== null && (!Number.isInteger(months) || months < 1 || months > 240)) {
        return json<ActionData>({ intent, fields: { retentionMonths: t("privacy.retentionInvalid") } }, { status: 400 });
      }
      await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.setRegionRetention(trx, scope, months, meta));
      return json<ActionData>({ intent, success: t("privacy.retentionSaved") });
    }
    const { userId } = parseForm(UserTarget, formData, admin.locale);
    if (intent === "change-role") {
      const input = parseForm(ChangeRoleInput, formData, admin.locale);
      const user = await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.changeUserRole(trx, scope.regionId, { userId, ...input }, meta));
      return json<ActionData>({ intent, userId, success: t("users.roleChanged", { name: user.name }) });
    }
    if (intent === "deactivate") {
      const user = await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.deactivateUser(trx, scope.regionId, userId, meta));
      // Their relationships are cold until someone takes them over: go straight to the handover.
      const owned = await context.server.countOwnedOrganisations(context.db, admin.regionId, [userId]);
      if (owned[userId]) return redirect(`/admin/users/${userId}/handover`);
      return json<ActionData>({ intent, userId, success: t("users.deactivated", { name: user.name }) });
    }
    return json<ActionData>({ formError: "Unknown action" }, { status: 400 });
  } catch (error) {
    const response = formError(error, admin.locale);
    const body = (await response.clone().json()) as ActionData;
    return json<ActionData>({ ...body, intent, userId: String(formData.get("userId") ?? "") }, { status: response.status });
  }
}

export default function UsersPage() {
  const t = useT();
  const { users, nextCursor, currentUserId, owned, security, partnerWork } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const inviteErrors = data?.intent === "invite" ? data : undefined;
  return (
    <div className="page">
      <h1>{t("users.title")}</h1>
      <p className="lead">{t("users.intro")}</p>
      {data?.success ? <Alert tone="success">{data.success}</Alert> : null}
      {data?.formError && data.intent !== "invite" ? <Alert tone="error">{data.formError}</Alert> : null}

      <section className="card" aria-labelledby="region-security">
        <h2 id="region-security">{t("twoFactor.security")}</h2>
        <p>{t("twoFactor.regionRequirementIntro")}</p>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="two-factor-requirement" />
          <CheckboxField label={t("twoFactor.regionRequirement")} name="requireTwoFactor" defaultChecked={security.requireTwoFactor} key={String(security.requireTwoFactor)} />
          <button type="submit" className="button button-small">{t("twoFactor.save")}</button>
        </Form>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="retention" />
          <TextField label={t("privacy.retention")} hint={t("privacy.retentionHint")} name="retentionMonths" inputMode="numeric" defaultValue={security.retentionMonths ?? ""} key={String(security.retentionMonths)} error={data?.intent === "retention" ? data.fields?.retentionMonths : undefined} />
          <button type="submit" className="button button-small">{t("twoFactor.save")}</button>
        </Form>
      </section>

      <section className="card" aria-labelledby="partner-work">
        <h2 id="partner-work">{t("partnerWork.title")}</h2>
        <p>{t("partnerWork.intro")}</p>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="partner-work" />
          <CheckboxField label={t("partnerWork.everyStaffMember")} name="everyStaffMember" defaultChecked={partnerWork.everyStaffMember} key={String(partnerWork.everyStaffMember)} />
          <button type="submit" className="button button-small">{t("twoFactor.save")}</button>
        </Form>
      </section>

      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t("common.name")}</th>
              <th>{t("common.email")}</th>
              <th>{t("common.role")}</th>
              <th>{t("common.status")}</th>
              <th><span className="visually-hidden">{t("common.actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {users.length === 0 ? (
              <tr><td colSpan={5}>{t("users.none")}</td></tr>
            ) : (
              users.map((user) => (
                <tr key={user.id} data-testid={`user-${user.email}`}>
                  <td>{user.name}</td>
                  <td>{user.email}</td>
                  <td>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="change-role" />
                      <input type="hidden" name="userId" value={user.id} />
                      <input type="hidden" name="version" value={user.version} />
                      <label className="visually-hidden" htmlFor={`role-${user.id}`}>{t("users.changeRole")}</label>
                      <select id={`role-${user.id}`} name="role" defaultValue={user.role} disabled={!user.active}>
                        {ROLES.map((role) => <option key={role} value={role}>{t(`roles.${role}`)}</option>)}
                      </select>
                      {user.active ? <button type="submit" className="button button-quiet button-small">{t("common.save")}</button> : null}
                    </Form>
                  </td>
                  <td>
                    <span className={`badge ${user.active ? (user.invited ? "" : "badge-success") : "badge-danger"}`}>
                      {user.active ? (user.invited ? t("common.invited") : t("common.active")) : t("common.inactive")}
                    </span>
                  </td>
                  <td>
                    {user.active && user.id !== currentUserId ? (
                      <Form
                        method="post"
                      >
                        <input type="hidden" name="intent" value="deactivate" />
                        <input type="hidden" name="userId" value={user.id} />
                        <ConfirmButton className="button button-danger button-small" question={t("users.confirmDeactivate", { name: user.name })} confirmLabel={t("users.deactivate")}>{t("users.deactivate")}</ConfirmButton>
                      </Form>
                    ) : null}
                    {!user.active && owned[user.id] ? (
                      <Link to={`/admin/users/${user.id}/handover`} className="button button-quiet button-small">{t("users.handOver", { count: owned[user.id] ?? 0 })}</Link>
                    ) : null}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {nextCursor ? <p><Link to={`?cursor=${encodeURIComponent(nextCursor)}`}>→</Link></p> : null}

      <section className="card section-form" aria-labelledby="invite">
        <h2 id="invite">{t("users.invite")}</h2>
        {inviteErrors?.formError ? <Alert tone="error">{inviteErrors.formError}</Alert> : null}
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="invite" />
          <TextField label={t("common.name")} name="name" required error={inviteErrors?.fields?.name} />
          <TextField label={t("common.email")} name="email" type="email" required error={inviteErrors?.fields?.email} />
          <SelectField label={t("common.role")} name="role" defaultValue="accounthouder" error={inviteErrors?.fields?.role}>
            {ROLES.map((role) => <option key={role} value={role}>{t(`roles.${role}`)}</option>)}
          </SelectField>
          <TextField label={t("users.organisationId")} name="organisationId" error={inviteErrors?.fields?.organisationId} />
          <button type="submit" className="button">{t("users.inviteSubmit")}</button>
        </Form>
      </section>
    </div>
  );
}
