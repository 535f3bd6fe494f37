import { Form, NavLink, useLocation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode, type RefObject } from "react";
import type { Role } from "../../db/schema";
import type { Action } from "../../server/auth/permissions";
import { useT } from "../utils/i18n";

/** Who is signed in, what the permissions table lets them do (the root loader asks it on the server), and partners' offers waiting for them. */
export type ShellUser = { name: string; role: Role; regionName: string; may: Partial<Record<Action, boolean>>; offersWaiting?: number };

/** A menu entry is shown to whoever may do what its page asks (the page's own guard). */
type NavItem = { to: string; label: string; action: Action };
type NavGroup = { label: string; items: NavItem[] };
type NavEntry = NavItem | NavGroup;

const isGroup = (entry: NavEntry): entry is NavGroup => "items" in entry;

/** Whether a menu entry leads to the page at `pathname` or a page under it ("/" only to itself). */
function leadsTo(to: string, pathname: string): boolean {
  return to === "/" ? pathname === "/" : pathname === to || pathname.startsWith(`${to}/`);
}

/**
 * The frame of every page: skip link, header with the menu, main landmark, footer.
 *
 * The menu has at most seven entries; the rest sits in groups ("Mijn werk", "Samenwerking",
 * "Beheer") and the user's name opens Profiel and Uitloggen. A group is a <details> disclosure, so
 * it opens without JavaScript (the pages are rendered on the server, and the CSP allows no inline
 * script). The menu is written twice inside the one navigation landmark: as a bar for wide screens
 * and as a "Menu" disclosure listing everything for phones; CSS shows one and hides the other
 * (display: none), so a screen reader and the Tab key meet only one.
 */
export function AppShell({ user, children }: { user: ShellUser | null; children: ReactNode }) {
  const t = useT();
  const { pathname } = useLocation();
  const navRef = useRef<HTMLElement>(null);
  useDisclosureKeyboard(navRef, pathname, user !== null);

  // Only pages that exist are listed; each area adds its entry when its page lands.
  const entries: NavEntry[] = [
    { to: "/", label: t("nav.dashboard"), action: "region.read" },
    { to: "/portal", label: t("portal.nav"), action: "portal.use" },
    { to: "/organisations", label: t("nav.organisations"), action: "region.read" },
    { to: "/people", label: t("nav.people"), action: "region.read" },
    {
      label: t("nav.myWork"),
      items: [
        { to: "/my-partners", label: t("nav.myPartners"), action: "region.read" },
        { to: "/attention", label: t("nav.attention"), action: "region.read" },
        { to: "/leads", label: t("nav.leads"), action: "region.read" },
        { to: "/tasks", label: t("nav.tasks"), action: "region.read" },
        { to: "/inbox", label: t("inbox.title"), action: "interaction.log" },
      ],
    },
    {
      label: t("nav.collaboration"),
      items: [
        { to: "/activities", label: t("activities.nav"), action: "region.read" },
        { to: "/commitments", label: t("commitments.title"), action: "money.read" },
        { to: "/reports", label: t("reports.nav"), action: "region.read" },
        { to: "/health/rollups", label: t("rollups.nav"), action: "health.rollups" },
      ],
    },
    { to: "/search", label: t("nav.search"), action: "region.read" },
    {
      label: t("nav.admin"),
      items: [
        { to: "/admin/users", label: t("nav.users"), action: "region.manage" },
        { to: "/admin/outbox", label: t("nav.outbox"), action: "region.manage" },
        { to: "/admin/health", label: t("healthSettings.nav"), action: "region.manage" },
        { to: "/admin/plans", label: t("plans.nav"), action: "region.manage" },
        { to: "/admin/mail", label: t("mailSettings.title"), action: "region.manage" },
        { to: "/admin/sign-in", label: t("schoolSignIn.admin.menu"), action: "region.signIn" },
      ],
    },
  ];
  const visible = user
    ? entries
        .map((entry) => (isGroup(entry) ? { ...entry, items: entry.items.filter((item) => user.may[item.action]) } : entry))
        .filter((entry) => (isGroup(entry) ? entry.items.length > 0 : user.may[entry.action]))
    : [];

  const offersWaiting = user?.offersWaiting ?? 0;
  const link = (item: Pick<NavItem, "to" | "label">) => (
    <NavLink to={item.to} end={item.to === "/"}>
      {item.label}
      {item.to === "/activities" && offersWaiting ? (
        <span className="nav-count">
          <span aria-hidden="true">{offersWaiting}</span>
          <span className="visually-hidden">{`, ${t("activities.offersWaiting", { count: offersWaiting })}`}</span>
        </span>
      ) : null}
    </NavLink>
  );
  const signOut = (
    <Form method="post" action="/sign-out">
      <button type="submit" className="nav-sign-out">{t("app.signOut")}</button>
    </Form>
  );

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
            <nav className="site-nav" aria-label={t("app.menu")} ref={navRef}>
              <ul className="nav-bar">
                {visible.map((entry) =>
                  isGroup(entry) ? (
                    <li key={entry.label}>
                      <details className="nav-dropdown">
                        <summary className={entry.items.some((item) => leadsTo(item.to, pathname)) ? "active" : undefined}>
                          {entry.label}
                          {/* A closed group still shows that an offer waits inside it. */}
                          {offersWaiting && entry.items.some((item) => item.to === "/activities") ? <span className="nav-count" aria-hidden="true">{offersWaiting}</span> : null}
                        </summary>
                        <ul>
                          {entry.items.map((item) => (
                            <li key={item.to}>{link(item)}</li>
                          ))}
                        </ul>
                      </details>
                    </li>
                  ) : (
                    <li key={entry.to}>{link(entry)}</li>
                  ),
                )}
                <li className="nav-account">
                  <details className="nav-dropdown nav-dropdown-end">
                    <summary className={leadsTo("/profile", pathname) ? "active" : undefined}>
                      <span className="nav-account-name">{user.name}</span>
                      <span className="nav-account-role">{t(`roles.${user.role}`)}</span>
                    </summary>
                    <ul>
                      <li>{link({ to: "/profile", label: t("nav.profile") })}</li>
                      <li>{signOut}</li>
                    </ul>
                  </details>
                </li>
              </ul>
              <details className="nav-phone">
                <summary>{t("app.menu")}</summary>
                <ul className="nav-phone-list">
                  {visible.map((entry) =>
                    isGroup(entry) ? (
                      <li key={entry.label} className="nav-phone-group">
                        <span className="nav-phone-heading">{entry.label}</span>
                        <ul>
                          {entry.items.map((item) => (
                            <li key={item.to}>{link(item)}</li>
                          ))}
                        </ul>
                      </li>
                    ) : (
                      <li key={entry.to}>{link(entry)}</li>
                    ),
                  )}
                  <li className="nav-phone-group">
                    <span className="nav-phone-heading">
                      {user.name} · {t(`roles.${user.role}`)}
                    </span>
                    <ul>
                      <li>{link({ to: "/profile", label: t("nav.profile") })}</li>
                      <li>{signOut}</li>
                    </ul>
                  </li>
                </ul>
              </details>
            </nav>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <div className="site-footer-inner">
          <span>{t("nav.footer")}</span>
          <a href="/toegankelijkheid">{t("nav.accessibility")}</a>
        </div>
      </footer>
    </>
  );
}

/**
 * What JavaScript adds to the <details> of the menu, once the page has hydrated: Escape closes the
 * open one and puts the focus back on its summary; opening one dropdown closes the other; a click
 * or focus outside closes a dropdown; following a link closes everything (a client-side navigation
 * keeps the header as it was).
 */
function useDisclosureKeyboard(navRef: RefObject<HTMLElement | null>, pathname: string, hasMenu: boolean) {
  useEffect(() => {
    for (const details of navRef.current?.querySelectorAll("details[open]") ?? []) details.removeAttribute("open");
  }, [navRef, pathname]);

  useEffect(() => {
    const nav = navRef.current;
    if (!nav) return;
    // What a test waits for before it relies on the keys below.
    nav.setAttribute("data-enhanced", "");
    const openOnes = () => [...nav.querySelectorAll<HTMLDetailsElement>("details[open]")];
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      // The innermost open one: the last in document order.
      const innermost = openOnes().at(-1);
      if (!innermost) return;
      innermost.open = false;
      innermost.querySelector("summary")?.focus();
    };
    const onToggle = (event: Event) => {
      const target = event.target as HTMLDetailsElement;
      if (!target.open || !target.classList.contains("nav-dropdown")) return;
      for (const other of openOnes()) if (other !== target && other.classList.contains("nav-dropdown")) other.open = false;
    };
    const closeDropdownsOutside = (event: Event) => {
      for (const details of openOnes()) {
        if (details.classList.contains("nav-dropdown") && !details.contains(event.target as Node)) details.open = false;
      }
    };
    document.addEventListener("keydown", onKeyDown);
    nav.addEventListener("toggle", onToggle, true);
    document.addEventListener("click", closeDropdownsOutside);
    document.addEventListener("focusin", closeDropdownsOutside);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      nav.removeEventListener("toggle", onToggle, true);
      document.removeEventListener("click", closeDropdownsOutside);
      document.removeEventListener("focusin", closeDropdownsOutside);
    };
    // Signing in (or out) puts the menu in (or takes it out of) the page without a new document.
  }, [navRef, hasMenu]);
}
