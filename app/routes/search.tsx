import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { requireUser } from "../utils/auth.server";
import { scopeOf } from "../../server/auth/current-user";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Zoeken · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const q = (params.get("q") ?? "").slice(0, 200);
  const organisationsCursor = params.get("organisationsCursor") || undefined;
  const peopleCursor = params.get("peopleCursor") || undefined;
  const results = await context.server.searchEverything(context.db, scopeOf(user), q, { limit: 10, organisationsCursor, peopleCursor });
  return { q, paging: Boolean(organisationsCursor || peopleCursor), results };
}

/**
 * One search box over organisations and people; results follow the typing, and the form works
 * without JavaScript. Each kind shows ten at a time; "Meer … tonen" opens that kind's next page.
 */
export default function SearchPage() {
  const t = useT();
  const initial = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof loader>();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const { q, paging, results } = fetcher.data ?? initial;
  // Pages of results load like the typing does (the address stays); without JavaScript they are plain links.
  const pageLink = (params: Record<string, string>, label: string) => {
    const to = `/search?${new URLSearchParams(params)}`;
    return (
      <p>
        <Link to={to} onClick={(event) => { event.preventDefault(); fetcher.load(to); }}>{label}</Link>
      </p>
    );
  };
  const isEmpty = q.trim().length >= 2 && results.organisations.length === 0 && results.people.length === 0;
  return (
    <div className="page">
      <h1>{t("search.title")}</h1>
      <Form method="get" role="search" className="search-form">
        <label htmlFor="q" className="visually-hidden">{t("search.label")}</label>
        <input
          id="q"
          name="q"
          type="search"
          defaultValue={initial.q}
          placeholder={t("search.placeholder")}
          autoComplete="off"
          autoFocus
          onChange={(event) => {
            const form = event.currentTarget.form;
            clearTimeout(timer.current);
            timer.current = setTimeout(() => form && fetcher.submit(form, { method: "get" }), 150);
          }}
        />
        <button type="submit" className="button">{t("search.submit")}</button>
      </Form>
      <div aria-live="polite">
        {isEmpty ? <p>{t("search.none", { q })}</p> : null}
        {paging ? pageLink({ q }, t("search.allResults", { q })) : null}
        {results.organisations.length ? (
          <section aria-labelledby="found-organisations">
            <h2 id="found-organisations">{t("organisations.title")}</h2>
            <ul className="plain-list">
              {results.organisations.map((o) => (
                <li key={o.id}>
                  <Link to={`/organisations/${o.id}`}>{o.name}</Link> · {t(`organisations.kinds.${o.kind}`)}{o.city ? ` · ${o.city}` : ""}
                </li>
              ))}
            </ul>
            {results.organisationsNextCursor ? pageLink({ q, organisationsCursor: results.organisationsNextCursor }, t("search.moreOrganisations")) : null}
          </section>
        ) : null}
        {results.people.length ? (
          <section aria-labelledby="found-people">
            <h2 id="found-people">{t("search.people")}</h2>
            <ul className="plain-list">
              {results.people.map((p) => (
                <li key={p.id}>
                  <Link to={`/people/${p.id}`}>{p.name}</Link>
                  {p.organisationName ? ` · ${p.organisationName}` : ""}
                </li>
              ))}
            </ul>
            {results.peopleNextCursor ? pageLink({ q, peopleCursor: results.peopleNextCursor }, t("search.morePeople")) : null}
          </section>
        ) : null}
      </div>
    </div>
  );
}
