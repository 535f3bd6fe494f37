import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { HolidayInput, UpdateHealthSettingsInput } from "../../server/domains/health/health.schemas";
import { parseInput } from "../../server/validation";
import { toLocalDate } from "../../server/clock";
import { Alert } from "../components/ui/alert";
import { SelectField, TextField } from "../components/ui/field";
import { translator } from "../../i18n";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues, parseForm } from "../utils/forms.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { HolidayTarget } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Relatiesignalen · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const admin = requirePermission(context, request, "region.manage");
  const [settings, users] = await Promise.all([context.server.getHealthSettings(context.db, admin.regionId), context.server.listAssignableUsers(context.db, admin.regionId)]);
  return { settings, users, today: toLocalDate(context.clock.now()) };
}

type ActionData = FormErrors & { intent?: string; success?: string; values?: Record<string, string> };

export async function action({ context, request }: ActionFunctionArgs) {
  const admin = requirePermission(context, request, "region.manage");
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const t = translator(admin.locale);
  try {
    if (intent === "save-settings") {
      // An empty choice means "no coordinator": sent as null, where an absent key would mean "leave as is".
      const input = parseInput(UpdateHealthSettingsInput, { ...formValues(formData), coordinatorUserId: formData.get("coordinatorUserId") || null }, admin.locale);
      await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.updateHealthSettings(trx, scope, input, meta));
      return json<ActionData>({ intent, success: t("healthSettings.saved") });
    }
    if (intent === "add-holiday") {
      const input = parseForm(HolidayInput, formData, admin.locale);
      await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.addHoliday(trx, scope, input, meta));
      return json<ActionData>({ intent, success: t("healthSettings.holidayAdded", { name: input.name }) });
    }
    if (intent === "remove-holiday") {
      const { holidayId } = parseForm(HolidayTarget, formData, admin.locale);
      const name = String(formData.get("holidayName") ?? "");
      await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.removeHoliday(trx, scope, holidayId, meta));
      return json<ActionData>({ intent, success: t("healthSettings.holidayRemoved", { name }) });
    }
    return json<ActionData>({ formError: "Unknown action" }, { status: 400 });
  } catch (error) {
    const response = formError(error, admin.locale);
    const body = (await response.clone().json()) as ActionData;
    // A mistake in one field does not cost what was typed in the others. After a conflict the form
    // shows what is stored now instead: saving the typed values again would silently overwrite it.
    return json<ActionData>({ ...body, intent, ...(body.fields && { values: formValues(formData) }) }, { status: response.status });
  }
}

export default function HealthSettingsPage() {
  const t = useT();
  const locale = useLocale();
  const { settings, users, today } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const settingsErrors = data?.intent === "save-settings" ? data : undefined;
  const holidayErrors = data?.intent === "add-holiday" ? data : undefined;
  // After a failed save the typed values are shown again; otherwise what is stored.
  const typed = (errors: ActionData | undefined, name: string, stored: string) => (errors?.values ? (errors.values[name] ?? "") : stored);
  const current = settings.holidays.filter((holiday) => holiday.endDate >= today);
  const past = settings.holidays.filter((holiday) => holiday.endDate < today).reverse();

  const holidayRows = (holidays: typeof settings.holidays) =>
    holidays.map((holiday) => (
      <tr key={holiday.id}>
        <td>{holiday.name}</td>
        <td>{formatDay(holiday.startDate, locale)}</td>
        <td>{formatDay(holiday.endDate, locale)}</td>
        <td>
          <Form method="post">
            <input type="hidden" name="intent" value="remove-holiday" />
            <input type="hidden" name="holidayId" value={holiday.id} />
            <input type="hidden" name="holidayName" value={holiday.name} />
            <button type="submit" className="button button-danger button-small" aria-label={t("healthSettings.removeLabel", { name: holiday.name })}>
              {t("healthSettings.remove")}
            </button>
          </Form>
        </td>
      </tr>
    ));
  const holidayTable = (holidays: typeof settings.holidays) => (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t("healthSettings.holidayName")}</th>
            <th>{t("healthSettings.startDate")}</th>
            <th>{t("healthSettings.endDate")}</th>
            <th><span className="visually-hidden">{t("common.actions")}</span></th>
          </tr>
        </thead>
        <tbody>{holidayRows(holidays)}</tbody>
      </table>
    </div>
  );

  return (
    <div className="page">
      <h1>{t("healthSettings.title")}</h1>
      <p className="lead">{t("healthSettings.intro")}</p>
      {data?.success ? <Alert tone="success">{data.success}</Alert> : null}
      {data?.formError && !settingsErrors && !holidayErrors ? <Alert tone="error">{data.formError}</Alert> : null}

      <section className="card section-form" aria-labelledby="cadences">
        <h2 id="cadences">{t("healthSettings.cadences")}</h2>
        <p className="lead">{t("healthSettings.cadencesIntro")}</p>
        {settingsErrors?.formError ? <Alert tone="error">{settingsErrors.formError}</Alert> : null}
        {/* Keyed by version: after a save the fields show what is stored now, also when hydrated. */}
        <Form method="post" noValidate key={`settings-${settings.version}`}>
          <input type="hidden" name="intent" value="save-settings" />
          <input type="hidden" name="version" value={settings.version} />
          <TextField label={t("healthSettings.strategic")} name="cadenceStrategicDays" type="number" inputMode="numeric" min={1} step={1} required
            defaultValue={typed(settingsErrors, "cadenceStrategicDays", String(settings.cadenceStrategicDays))} error={settingsErrors?.fields?.cadenceStrategicDays} />
          <TextField label={t("healthSettings.regular")} name="cadenceRegularDays" type="number" inputMode="numeric" min={1} step={1} required
            defaultValue={typed(settingsErrors, "cadenceRegularDays", String(settings.cadenceRegularDays))} error={settingsErrors?.fields?.cadenceRegularDays} />
          <TextField label={t("healthSettings.occasional")} name="cadenceOccasionalDays" type="number" inputMode="numeric" min={1} step={1} required
            defaultValue={typed(settingsErrors, "cadenceOccasionalDays", String(settings.cadenceOccasionalDays))} error={settingsErrors?.fields?.cadenceOccasionalDays} />
          <SelectField label={t("healthSettings.coordinator")} name="coordinatorUserId" hint={t("healthSettings.coordinatorHint")}
            defaultValue={typed(settingsErrors, "coordinatorUserId", settings.coordinatorUserId ?? "")} error={settingsErrors?.fields?.coordinatorUserId}>
            <option value="">{t("healthSettings.noCoordinator")}</option>
            {users.map((user) => <option key={user.id} value={user.id}>{user.name}</option>)}
          </SelectField>
          <button type="submit" className="button">{t("common.save")}</button>
        </Form>
      </section>

      <section className="section-holidays" aria-labelledby="holidays">
        <h2 id="holidays">{t("healthSettings.holidays")}</h2>
        <p className="lead">{t("healthSettings.holidaysIntro")}</p>
        {current.length ? holidayTable(current) : <p>{t("healthSettings.noHolidays")}</p>}
        {past.length ? (
          <details className="past-holidays">
            <summary>{t("healthSettings.pastHolidays", { count: past.length })}</summary>
            {holidayTable(past)}
          </details>
        ) : null}

        <div className="card section-form">
          <h3>{t("healthSettings.addHoliday")}</h3>
          {holidayErrors?.formError ? <Alert tone="error">{holidayErrors.formError}</Alert> : null}
          <Form method="post" noValidate key={`holiday-${settings.holidays.length}`}>
            <input type="hidden" name="intent" value="add-holiday" />
            <TextField label={t("healthSettings.holidayName")} name="name" required maxLength={100}
              defaultValue={typed(holidayErrors, "name", "")} error={holidayErrors?.fields?.name} />
            <div className="grid-2">
              <TextField label={t("healthSettings.startDate")} name="startDate" type="date" required
                defaultValue={typed(holidayErrors, "startDate", "")} error={holidayErrors?.fields?.startDate} />
              <TextField label={t("healthSettings.endDate")} name="endDate" type="date" required
                defaultValue={typed(holidayErrors, "endDate", "")} error={holidayErrors?.fields?.endDate} />
            </div>
            <button type="submit" className="button">{t("healthSettings.addHolidaySubmit")}</button>
          </Form>
        </div>
      </section>
    </div>
  );
}
