import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { ListPeopleInput } from "../../server/domains/people/people.schemas";
import { TextField } from "../components/ui/field";
import { listPeople, parseInput } from "../services.server";
import { requirePermission } from "../utils/auth.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Personen · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  const page = await listPeople(context.db, user.regionId, parseInput(ListPeopleInput, params, user.locale));
  return { people: page.items.map((p) => ({ id: p.id, name: p.name, email: p.email, phone: p.phone, optOut: p.optOut })), nextCursor: page.nextCursor };
}

/** Every contact person of the region, by name, with a name filter and keyset pages. */
export default function PeoplePage() {
  const t = useT();
  const { people, nextCursor } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
  return (
    <div className="page">
      <h1>{t("people.title")}</h1>
      <Form method="get" role="search" className="search-form">
        <TextField label={t("organisations.search")} name="q" type="search" defaultValue={params.get("q") ?? ""} />
        <button type="submit" className="button">{t("organisations.filter")}</button>
      </Form>
      {people.length === 0 ? (
        <p>{t("people.none")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("common.name")}</th>
                <th>{t("common.email")}</th>
                <th>{t("contacts.phone")}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/people/${p.id}`}>{p.name}</Link>
                    {p.optOut ? <> <span className="badge">{t("people.optOut")}</span></> : null}
                  </td>
                  <td>{p.email}</td>
                  <td>{p.phone}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? <p><Link to={`?${next}`}>{t("organisations.next")} →</Link></p> : null}
    </div>
  );
}
