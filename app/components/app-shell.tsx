import { Form, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import type { Role } from "../../db/schema";
import { useT } from "../utils/i18n";

export type ShellUser = { name: string; role: Role; regionName: string; offersWaiting?: number };

type NavItem = { to: string; label: string; roles: Role[] };

/** The frame of every signed-in page: skip link, header with the navigation, main landmark. */
export function AppShell({ user, children }: { user: ShellUser | null; children: ReactNode }) {
  const t = useT();
  // Only pages that exist are listed; each area adds its entry when its page lands.
  const items: NavItem[] = [
    { to: "/", label: t("nav.dashboard"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/portal", label: t("portal.nav"), roles: ["partner"] },
    { to: "/organisations", label: t("nav.organisations"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/people", label: t("nav.people"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/my-partners", label: t("nav.myPartners"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/attention", label: t("nav.attention"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/tasks", label: t("nav.tasks"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/inbox", label: t("inbox.title"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/activities", label: t("activities.nav"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/commitments", label: t("commitments.title"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/reports", label: t("reports.nav"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/search", label: t("nav.search"), roles: ["admin", "penvoerder", "accounthouder"] },
    { to: "/admin/users", label: t("nav.users"), roles: ["admin"] },
    { to: "/admin/outbox", label: t("nav.outbox"), roles: ["admin"] },
    { to: "/admin/health", label: t("healthSettings.nav"), roles: ["admin"] },
    { to: "/admin/mail", label: t("mailSettings.title"), roles: ["admin"] },
    { to: "/profile", label: t("nav.profile"), roles: ["admin", "penvoerder", "accounthouder", "partner"] },
  ];
  const visible = user ? items.filter((item) => item.roles.includes(user.role)) : [];
  return (
    <>
      <a className="skip-link" href="#main">{t("app.skipToContent")}</a>
      <header className="site-header">
        <div className="site-header-inner">
          <a className="brand" href="/">
            <span className="brand-mark" aria-hidden="true">S</span>
            <span>{t("app.name")}</span>
            {user ? <span className="brand-region">{user.regionName}</span> : null}
          </a>
          {user ? (
            <div className="site-user">
              <span className="nav-user">{user.name} · {t(`roles.${user.role}`)}</span>
              <Form method="post" action="/sign-out">
                <button type="submit" className="button button-quiet">{t("app.signOut")}</button>
              </Form>
            </div>
          ) : null}
        </div>
        {user ? (
          <nav className="site-nav" aria-label={t("app.menu")}>
            <ul>
              {visible.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.to === "/"}>
                    {item.label}
                    {item.to === "/activities" && user?.offersWaiting ? <span className="nav-count"><span aria-hidden="true">{user.offersWaiting}</span><span className="visually-hidden">{`, ${t("activities.offersWaiting", { count: user.offersWaiting })}`}</span></span> : null}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
