import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  LiveReload,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { ACTIONS, userCan } from "../server/auth/permissions";
import { scopeOf } from "../server/auth/current-user";
import { AppShell, type ShellUser } from "./components/app-shell";
import { SubmissionFeedback } from "./components/submission-feedback";
import { DEFAULT_LOCALE, type Locale } from "../i18n";
import stylesheet from "./styles.css";
import { useT } from "./utils/i18n";
import { useNonce } from "./utils/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.ico" },
];

export const meta: MetaFunction = () => [{ title: "Schakel" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const user = context.user;
  let shellUser: ShellUser | null = null;
  if (user) {
    // The session's statement read the region's name already; one round trip fewer on every page.
    const regionName = context.regionName ?? (await context.server.getRegion(context.db, user.regionId)).name;
    // The menu shows what the permissions table lets this user do, asked here on the server.
    const may = Object.fromEntries(ACTIONS.map((action) => [action, userCan(user, action)]));
    // Partners' offers waiting for this account holder's decision: counted next to "Activiteiten".
    const offersWaiting = userCan(user, "region.read") ? await context.server.countOffersAwaiting(context.db, scopeOf(user), user.id) : 0;
    shellUser = { name: user.name, role: user.role, regionName, may, offersWaiting };
  }
  return json({ locale: (user?.locale ?? DEFAULT_LOCALE) as Locale, user: shellUser });
}

function Document({ children, locale }: { children: ReactNode; locale: Locale }) {
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <SubmissionFeedback />
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        <LiveReload nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { locale, user } = useLoaderData<typeof loader>();
  return (
    <Document locale={locale}>
      <AppShell user={user}>
        <Outlet />
      </AppShell>
    </Document>
  );
}

/** The one error boundary: a calm page for 400, 403, 404 and the unexpected, inside the usual frame. */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const [title, message] =
    status === 404
      ? [t("errors.notFoundTitle"), t("errors.notFound")]
      : status === 403
        ? [t("errors.forbiddenTitle"), t("errors.forbidden")]
        : status === 400
          ? [t("errors.badRequestTitle"), t("errors.badRequest")]
          : [t("errors.unexpectedTitle"), t("errors.unexpected")];
  return (
    <Document locale={data?.locale ?? DEFAULT_LOCALE}>
      <AppShell user={data?.user ?? null}>
        <div className="page page-narrow">
          <h1>{title}</h1>
          <p>{message}</p>
          <p>
            <a href="/">{t("errors.backHome")}</a>
          </p>
        </div>
      </AppShell>
    </Document>
  );
}
