/**
 * Look at pages as people see them: for each entry of LOOKS below (a role, a path and optionally
 * what to do first) it signs in as that role, opens the page in Chromium at 1280×900 and at
 * 390×844, saves full-page screenshots, runs axe-core and checks for sideways scrolling on a phone.
 *
 *   npm run build --silent                          # the server serves build/
 *   DATA_DIR=/tmp/look-data npx schakel demo        # once: STO Twente with one account per role
 *   DATA_DIR=/tmp/look-data node --import tsx scripts/look-at-pages.ts [name-regex]
 *
 * Screenshots go to /tmp/look/<name>-<width>.png (OUT_DIR overrides). Printed per page: axe
 * violations of impact serious or critical, and "scrolls sideways" when the page is wider than 390 px
 * at 390 px. Exits 1 when anything was found. The setups change the demo data (they erase a person,
 * lock an account, …); run it against a throwaway DATA_DIR, never against real data. AXE_ALL=1
 * reports axe's moderate and minor findings too.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { generate } from "otplib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { hashPassword } from "../server/auth/passwords";
import { createSecretBox, loadSecretKey } from "../server/auth/secret-key";
import { generateSecret, hashSecret } from "../server/auth/secrets";
import { confirmEnrollment, enrollmentSecret } from "../server/auth/two-factor";
import { createApiToken } from "../server/auth/api-tokens";
import { readConfig } from "../server/config";
import { connectDatabaseServer } from "../server/db/connect";
import { createDatabase, type Database } from "../server/db/database";
import { startServer } from "../server/index";
import { createUser } from "../server/domains/users/users.service";
import { findOidcProvider, removeOidcProvider, saveOidcProvider } from "../server/auth/oidc-settings";
import { OidcProviderInput } from "../server/auth/oidc-settings.schemas";
import { addNeverLog } from "../server/domains/mail-capture/mail-capture.settings";
import { loggingAddressOf } from "../server/domains/mail-capture/mail-capture.addresses";
import { ingestMessage } from "../server/domains/mail-capture/mail-capture.service";
import { startPlan } from "../server/domains/plans/plans.service";
import { DEMO_PASSWORD } from "../db/seed/demo";
import { launchBrowser } from "../tests/support/browser";

const say = (line: string) => process.stdout.write(`${line}\n`);
const OUT_DIR = process.env.OUT_DIR ?? "/tmp/look";
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
] as const;

const ACCOUNTS = {
  admin: "beheer@sto-twente.demo",
  penvoerder: "penvoerder@sto-twente.demo",
  accounthouder: "accounthouder@sto-twente.demo",
  partner: "partner@sto-twente.demo",
} as const;
type Role = keyof typeof ACCOUNTS;

/** Accounts the setups may change (lock, give two-factor sign-in, change the password of). */
const SPARE = {
  locked: "mehmet.yilmaz@sto-twente.demo",
  twoFactor: "thijs.oudewesselink@sto-twente.demo",
  codeLockout: "anouk.lohuis@sto-twente.demo",
  passwordChange: "koen.vos@sto-twente.demo",
  forgot: "sanne.bruggink@sto-twente.demo",
  invited: "uitgenodigd@sto-twente.demo",
  invitedPartner: "uitgenodigde.partner@sto-twente.demo",
};

type Setup = { page: Page; db: Database; base: string; browser: Browser; twoFactorSecrets: Map<string, string> };
type Look = {
  name: string;
  /** Signed in as this role, or as this e-mail address (a spare account), or not at all (null). */
  as: Role | string | null;
  /** The page to open; a function when it depends on the data. */
  path: string | ((db: Database) => Promise<string>);
  /** Run after opening the page, to bring it into the state worth looking at. */
  then?: (setup: Setup) => Promise<void>;
};

const LOOKS: Look[] = [
  ...(["accounthouder", "penvoerder", "admin"] as const).map((role): Look => ({ name: `start-${role}`, as: role, path: "/" })),
  ...(["accounthouder", "penvoerder", "admin"] as const).map((role): Look => ({ name: `attention-${role}`, as: role, path: "/attention" })),
  { name: "health-rollups-school", as: "penvoerder", path: "/health/rollups?by=school" },
  { name: "health-rollups-subregion", as: "admin", path: "/health/rollups?by=subregion" },
  { name: "health-rollups-account-holder", as: "admin", path: "/health/rollups?by=accountHolder" },
  { name: "activities-upcoming", as: "accounthouder", path: "/activities" },
  { name: "activities-sorted", as: "accounthouder", path: "/activities?when=all&sort=partner&dir=desc" },
  {
    name: "activity-new-pickers",
    as: "accounthouder",
    path: "/activities/new",
    then: async ({ page }) => {
      const box = (label: string) => page.getByRole("combobox", { name: label, exact: true }).and(page.locator("input"));
      await box("Partners").fill("bouw");
      await page.getByRole("listbox", { name: "Partners" }).getByRole("option").first().waitFor();
      await page.keyboard.press("Enter");
      await box("Scholen").fill("vmbo");
      await page.keyboard.press("Enter");
      await box("Gastspreker of begeleider").focus();
      await page.keyboard.press("ArrowDown");
    },
  },
  {
    name: "activity-cancel-question",
    as: "admin",
    path: async (db) => {
      const planned = await db.selectFrom("activities").select("id").where("status", "=", "planned").where("archived_at", "is", null).orderBy("start_date", "desc").executeTakeFirstOrThrow();
      return `/activities/${planned.id}`;
    },
    then: async ({ page }) => {
      await page.getByRole("button", { name: "Activiteit annuleren" }).click();
      await page.getByRole("dialog").waitFor();
    },
  },
  { name: "lists-my-partners-by-health", as: "accounthouder", path: "/my-partners?sort=health" },
  { name: "lists-organisations-sorted", as: "accounthouder", path: "/organisations?tier=strategic&sort=accountHolder&dir=desc" },
  { name: "lists-people", as: "accounthouder", path: "/people?sort=organisation" },
  { name: "lists-views", as: "accounthouder", path: "/views" },
  ...(["accounthouder", "penvoerder", "admin"] as const).map((role): Look => ({ name: `quick-log-${role}`, as: role, path: "/log" })),
  { name: "quick-log-search", as: "accounthouder", path: "/log?q=b.v." },
  {
    name: "quick-log-saved",
    as: "accounthouder",
    path: "/log",
    then: async ({ page }) => {
      await page.locator('input[name="organisationId"]').first().check();
      await page.getByLabel("Wat is er besproken?").fill("Gebeld over twee stageplekken voor februari");
      await submit(page, page.getByRole("button", { name: "Vastleggen" }));
    },
  },
  {
    name: "quick-log-missing-sentence",
    as: "accounthouder",
    path: "/log",
    then: async ({ page }) => {
      await page.locator('input[name="organisationId"]').first().check();
      await page.getByLabel("Wat is er besproken?").evaluate((input) => input.removeAttribute("required"));
      await submit(page, page.getByRole("button", { name: "Vastleggen" }));
    },
  },
  ...(Object.keys(ACCOUNTS) as Role[]).map((role): Look => ({ name: `profile-${role}`, as: role, path: "/profile" })),
  {
    name: "profile-token-wrong-password",
    as: "admin",
    path: "/profile",
    then: async ({ page }) => {
      const form = page.locator("form", { has: page.locator('input[name="intent"][value="create-token"]') });
      await form.getByLabel("Naam").fill("Koppeling met Excel");
      await form.locator('input[name="password"]').fill("niet het wachtwoord");
      await submit(page, form.getByRole("button"));
    },
  },
  {
    name: "profile-token-two-factor",
    as: SPARE.twoFactor,
    path: "/profile",
    then: async ({ page }) => {
      const form = page.locator("form", { has: page.locator('input[name="intent"][value="create-token"]') });
      await form.getByLabel("Naam").fill("Koppeling");
      await form.locator('input[name="password"]').fill(DEMO_PASSWORD);
      await submit(page, form.getByRole("button"));
    },
  },
  {
    name: "profile-sign-out-everywhere",
    as: "penvoerder",
    path: "/profile",
    then: async ({ page, db, base, browser }) => {
      await createApiToken(db, { userId: await userId(db, ACCOUNTS.penvoerder), name: "Rapportage", now: new Date() });
      // A second session to end.
      const other = await browser.newContext({ baseURL: base, locale: "nl-NL" });
      await signIn(await other.newPage(), ACCOUNTS.penvoerder);
      await other.close();
      await page.reload();
      await submit(page, page.getByRole("button", { name: /overal|elders|andere/i }));
    },
  },
  {
    name: "profile-password-changed",
    as: SPARE.passwordChange,
    path: "/profile",
    then: async ({ page, db }) => {
      await createApiToken(db, { userId: await userId(db, SPARE.passwordChange), name: "Agenda", now: new Date() });
      const form = page.locator("form", { has: page.locator('input[name="intent"][value="change-password"]') });
      await form.locator('input[name="currentPassword"]').fill(DEMO_PASSWORD);
      await form.locator('input[name="password"]').fill(`${DEMO_PASSWORD}-nieuw`);
      await form.locator('input[name="confirm"]').fill(`${DEMO_PASSWORD}-nieuw`);
      await submit(page, form.getByRole("button"));
      // Back to the demo password, so the next run signs in again.
      await db.updateTable("users").set({ password_hash: await hashPassword(DEMO_PASSWORD) }).where("email", "=", SPARE.passwordChange).execute();
    },
  },
  {
    name: "profile-password-wrong",
    as: "accounthouder",
    path: "/profile",
    then: async ({ page }) => {
      const form = page.locator("form", { has: page.locator('input[name="intent"][value="change-password"]') });
      await form.locator('input[name="currentPassword"]').fill("niet het wachtwoord");
      await form.locator('input[name="password"]').fill("een-lang-nieuw-wachtwoord");
      await form.locator('input[name="confirm"]').fill("een-ander-nieuw-wachtwoord");
      await submit(page, form.getByRole("button"));
    },
  },
  // "Te koppelen": first with nothing waiting, then with a mail to an unknown address (its domain a demo company's website).
  {
    name: "inbox-empty",
    as: "accounthouder",
    path: async (db) => {
      await db.updateTable("inbound_messages").set({ status: "discarded" }).where("user_id", "=", await userId(db, ACCOUNTS.accounthouder)).where("status", "=", "unmatched").execute();
      return "/inbox";
    },
  },
  { name: "inbox-item", as: "accounthouder", path: async (db) => (await unmatchedMail(db), "/inbox") },
  {
    // "Mogelijk van baan gewisseld": a demo contact with a current job seen at a new company's domain.
    name: "inbox-job-change",
    as: "accounthouder",
    path: async (db) => {
      const holder = await db.selectFrom("users").select(["id", "region_id"]).where("email", "=", ACCOUNTS.accounthouder).executeTakeFirstOrThrow();
      const person = await db.selectFrom("people").innerJoin("affiliations", "affiliations.person_id", "people.id").select(["people.id", "people.name"])
        .where("people.region_id", "=", holder.region_id).where("people.email", "is not", null).where("people.archived_at", "is", null).where("affiliations.end_date", "is", null)
        .orderBy("people.name").executeTakeFirstOrThrow();
      const local = person.name.toLowerCase().replace(/[^a-z]+/g, ".");
      await db.insertInto("job_change_suggestions").values({
        region_id: holder.region_id, user_id: holder.id, person_id: person.id, email: `${local}@hulshof-installatie.nl`, domain: "hulshof-installatie.nl", seen_on: "2026-12-04", created_at: new Date(),
      }).onConflict((oc) => oc.columns(["region_id", "person_id", "email"]).doUpdateSet({ decided_at: null, decided_by: null, decision: null })).execute();
      return "/inbox";
    },
  },
  { name: "inbox-choose", as: "accounthouder", path: async (db) => `/inbox?item=${(await unmatchedMail(db)).itemId}` },
  {
    name: "inbox-confirm",
    as: "accounthouder",
    path: async (db) => {
      const { itemId, organisationId } = await unmatchedMail(db);
      return `/inbox?item=${itemId}&organisation=${organisationId}`;
    },
  },
  {
    name: "inbox-confirm-error",
    as: "accounthouder",
    path: async (db) => {
      const { itemId, organisationId } = await unmatchedMail(db);
      return `/inbox?item=${itemId}&organisation=${organisationId}`;
    },
    then: async ({ page }) => {
      await page.getByLabel("Naam", { exact: true }).fill("");
      await page.getByLabel("E-mailadres", { exact: true }).fill("geen adres");
      await submit(page, page.getByRole("button", { name: "Koppelen", exact: true }));
    },
  },
  { name: "admin-start-first-steps", as: "admin", path: "/" },
  { name: "getting-started", as: "admin", path: "/getting-started" },
  { name: "admin-mail", as: "admin", path: "/admin/mail" },
  { name: "admin-plans", as: "admin", path: "/admin/plans" },
  // Plans: an organisation with a running plan (its progress at the side), and its plans page.
  { name: "organisation-plan", as: "accounthouder", path: async (db) => `/organisations/${await organisationWithPlan(db)}` },
  { name: "organisation-plans", as: "accounthouder", path: async (db) => `/organisations/${await organisationWithPlan(db)}/plans` },
  {
    name: "admin-mail-secret",
    as: "admin",
    path: "/admin/mail",
    then: async ({ page }) => {
      await page.getByLabel("E-mailadres of domein").fill("vakbond.example");
      await submit(page, page.getByRole("button", { name: "Toevoegen" }));
      await submit(page, page.getByRole("button", { name: /geheim maken/i }));
    },
  },
  { name: "outbox", as: "admin", path: "/admin/outbox" },
  {
    name: "outbox-email",
    as: "admin",
    path: async (db) => {
      // One whose link carries a secret, which the page must show redacted.
      const email = await db.selectFrom("email_outbox").select("id").where("text", "like", "%/invitation/%").orderBy("created_at", "desc").executeTakeFirstOrThrow();
      return `/admin/outbox/${email.id}`;
    },
  },
  {
    name: "person-erased",
    as: "admin",
    path: async (db) => {
      const person = await db.selectFrom("people").select("id").where("anonymised_at", "is", null).where("archived_at", "is", null).orderBy("created_at", "desc").executeTakeFirstOrThrow();
      return `/people/${person.id}`;
    },
    then: async ({ page }) => {
      page.once("dialog", (dialog) => void dialog.accept());
      const form = page.locator("form", { has: page.locator('input[name="intent"][value="erase"]') });
      await form.getByRole("checkbox").check();
      await submit(page, form.getByRole("button"));
    },
  },
  {
    name: "import-too-many-rows",
    as: "accounthouder",
    path: "/imports/organisations",
    then: async ({ page }) => {
      await page.locator('input[type="file"]').setInputFiles({ name: "organisaties.csv", mimeType: "text/csv", buffer: Buffer.from("a\n".repeat(100_002)) });
      await submit(page, page.getByRole("button", { name: "Bestand lezen" }));
    },
  },
  {
    name: "import-too-many-columns",
    as: "admin",
    path: "/imports/organisations",
    then: async ({ page }) => {
      const row = Array.from({ length: 1000 }, (_, i) => `k${i}`).join(",");
      await page.locator('input[type="file"]').setInputFiles({ name: "breed.csv", mimeType: "text/csv", buffer: Buffer.from(`${row}\n${row}\n`) });
      await submit(page, page.getByRole("button", { name: "Bestand lezen" }));
    },
  },
  {
    name: "sign-in-locked",
    as: null,
    path: "/sign-in",
    then: async ({ page }) => {
      for (let attempt = 0; attempt < 6; attempt++) await signIn(page, SPARE.locked, `fout ${attempt}`);
    },
  },
  {
    name: "forgot-password-throttled",
    as: null,
    path: "/forgot-password",
    then: async ({ page }) => {
      for (let attempt = 0; attempt < 4; attempt++) {
        await page.goto("/forgot-password");
        await page.getByLabel("E-mailadres").fill(SPARE.forgot);
        await submit(page, page.getByRole("button"));
      }
    },
  },
  {
    name: "sign-in-code-locked",
    as: null,
    path: "/sign-in",
    then: async ({ page }) => {
      // A challenge ends after a few wrong codes; the account locks after more, over several sign-ins.
      for (let round = 0; round < 5; round++) {
        await signIn(page, SPARE.codeLockout);
        for (let attempt = 0; attempt < 6 && new URL(page.url()).pathname === "/sign-in/code"; attempt++) {
          await page.getByLabel(/code/i).fill("000000");
          await submit(page, page.getByRole("button"));
          if (await page.getByText("te veel verkeerde codes ingevuld").count()) return;
        }
      }
    },
  },
  { name: "bad-address-400", as: "admin", path: "/organisations?cursor=WyJ4Il0" },
  // Who works which partner: the penvoerder on an organisation he owns and on one he does not; the admin's setting.
  {
    name: "organisation-penvoerder-own",
    as: "penvoerder",
    path: async (db) => {
      const own = await db.selectFrom("organisations").innerJoin("users", "users.id", "organisations.account_holder_id").select("organisations.id").where("users.email", "=", ACCOUNTS.penvoerder).orderBy("organisations.name").executeTakeFirstOrThrow();
      return `/organisations/${own.id}`;
    },
  },
  {
    name: "organisation-penvoerder-not-own",
    as: "penvoerder",
    path: async (db) => {
      const other = await db.selectFrom("organisations").innerJoin("users", "users.id", "organisations.account_holder_id").select("organisations.id").where("users.email", "<>", ACCOUNTS.penvoerder).orderBy("organisations.name").executeTakeFirstOrThrow();
      return `/organisations/${other.id}`;
    },
  },
  {
    name: "organisation-edit-in-place",
    as: "accounthouder",
    path: async (db) => {
      const own = await db.selectFrom("organisations").innerJoin("users", "users.id", "organisations.account_holder_id").select("organisations.id").where("users.email", "=", ACCOUNTS.accounthouder).orderBy("organisations.name").executeTakeFirstOrThrow();
      return `/organisations/${own.id}?edit=1#edit-organisation`;
    },
  },
  { name: "admin-users-partner-work", as: "admin", path: "/admin/users#partner-work" },
  {
    name: "organisation-javascript-website",
    as: "admin",
    path: async (db) => {
      const organisation = await db.selectFrom("organisations").select("id").orderBy("name").executeTakeFirstOrThrow();
      await db.updateTable("organisations").set({ website: "javascript:alert(1)" }).where("id", "=", organisation.id).execute();
      return `/organisations/${organisation.id}`;
    },
  },
  { name: "reset-password", as: null, path: async (db) => `/reset-password/${await linkToken(db, SPARE.forgot, "password_reset")}` },
  { name: "reset-password-invalid", as: null, path: "/reset-password/dit-is-geen-geldige-link" },
  { name: "invitation", as: null, path: async (db) => `/invitation/${await linkToken(db, SPARE.invited, "invitation")}` },
  // Partners sign in with an emailed link (decision 126); their invitation's password is optional.
  { name: "invitation-partner", as: null, path: async (db) => `/invitation/${await linkToken(db, SPARE.invitedPartner, "invitation")}` },
  { name: "sign-in", as: null, path: "/sign-in" },
  // School-account sign-in: the admin's page before and after Microsoft is set up, then the sign-in
  // page's button and the profile's part once it is (prepare() removes the setup again each run).
  { name: "school-account-admin-empty", as: "admin", path: "/admin/sign-in" },
  { name: "school-account-admin-microsoft", as: "admin", path: async (db) => (await withSchoolAccount(db), "/admin/sign-in") },
  { name: "school-account-sign-in", as: null, path: async (db) => (await withSchoolAccount(db), "/sign-in") },
  {
    name: "school-account-sign-in-typed",
    as: null,
    path: async (db) => (await withSchoolAccount(db), "/sign-in"),
    then: async ({ page }) => {
      await page.getByLabel("E-mailadres").fill("accounthouder@sto-twente.demo");
      await page.getByLabel("E-mailadres").blur();
    },
  },
  { name: "school-account-profile", as: "accounthouder", path: async (db) => (await withSchoolAccount(db), "/profile") },
  { name: "sign-in-link", as: null, path: "/sign-in/link" },
  {
    name: "sign-in-link-sent",
    as: null,
    path: "/sign-in/link",
    then: async ({ page }) => {
      await page.getByLabel("E-mailadres").fill(ACCOUNTS.partner);
      await submit(page, page.getByRole("button", { name: "Stuur mij een inloglink" }));
    },
  },
  { name: "sign-in-link-confirm", as: null, path: async (db) => `/sign-in/link/${await linkToken(db, ACCOUNTS.partner, "sign_in_link")}` },
  { name: "sign-in-link-invalid", as: null, path: "/sign-in/link/dit-is-geen-geldige-link" },
  // Email capture on the profile (issue 16): the logging address, further sender addresses, the never-log list.
  {
    name: "mail-profile-lists",
    as: "accounthouder",
    path: "/profile",
    then: async ({ page, db }) => {
      await senderLink(db, "fatima.prive@thuis.example", { confirmed: true });
      await senderLink(db, "f.elamrani@tweede-school.example");
      const user = await db.selectFrom("users").select(["id", "region_id"]).where("email", "=", ACCOUNTS.accounthouder).executeTakeFirstOrThrow();
      const admin = await db.selectFrom("users").select("id").where("email", "=", ACCOUNTS.admin).executeTakeFirstOrThrow();
      const meta = { actor: null, now: new Date() };
      await addNeverLog(db, { regionId: user.region_id, userId: user.id, role: "accounthouder", organisationId: null }, { pattern: "vakbond.example", forRegion: false }, meta);
      await addNeverLog(db, { regionId: user.region_id, userId: user.id, role: "accounthouder", organisationId: null }, { pattern: "dr.jansen@huisartsen-oldenzaal.example", forRegion: false }, meta);
      await addNeverLog(db, { regionId: user.region_id, userId: admin.id, role: "admin", organisationId: null }, { pattern: "arbodienst.example", forRegion: true }, meta);
      await page.reload();
    },
  },
  {
    name: "mail-sender-refused",
    as: "accounthouder",
    path: "/profile",
    then: async ({ page }) => {
      const form = page.locator("form", { has: page.locator('input[name="intent"][value="add-sender-address"]') });
      await form.getByLabel("E-mailadres").fill("geen-adres");
      await submit(page, form.getByRole("button"));
    },
  },
  {
    name: "mail-never-log-refused",
    as: "accounthouder",
    path: "/profile",
    then: async ({ page }) => {
      const form = page.locator("form", { has: page.locator('input[name="intent"][value="add-never-log"]') });
      await form.getByLabel("E-mailadres of domein").fill("geen domein");
      await submit(page, form.getByRole("button"));
    },
  },
  { name: "mail-regenerate-asked", as: "penvoerder", path: "/profile", then: async ({ page }) => page.getByText("Nieuw adres maken…").click() },
  {
    name: "mail-regenerated",
    as: "penvoerder",
    path: "/profile",
    then: async ({ page }) => {
      await page.getByText("Nieuw adres maken…").click();
      await submit(page, page.getByRole("button", { name: "Ja, maak een nieuw adres" }));
    },
  },
  { name: "mail-confirm", as: null, path: async (db) => `/profile/mail-addresses/confirm/${await senderLink(db, "fatima@prive-mail.example")}` },
  {
    name: "mail-confirmed",
    as: null,
    path: async (db) => `/profile/mail-addresses/confirm/${await senderLink(db, "fatima@prive-mail.example")}`,
    then: async ({ page }) => submit(page, page.getByRole("button", { name: "Adres bevestigen" })),
  },
  { name: "mail-confirm-expired", as: "accounthouder", path: async (db) => `/profile/mail-addresses/confirm/${await senderLink(db, "fatima@oud-adres.example", { expired: true })}` },
  { name: "mail-confirm-invalid", as: null, path: "/profile/mail-addresses/confirm/dit-is-geen-geldige-link" },
  {
    name: "mail-timeline",
    as: "accounthouder",
    path: async (db) => {
      // The two most recent contact moments of one organisation, as if they had come from a mail and an invitation.
      const latest = await db.selectFrom("interactions").select("organisation_id").where("archived_at", "is", null).orderBy("date", "desc").executeTakeFirstOrThrow();
      const moments = await db.selectFrom("interactions").select("id").where("organisation_id", "=", latest.organisation_id).where("archived_at", "is", null).orderBy("date", "desc").limit(2).execute();
      for (const [index, moment] of moments.entries()) {
        await db.updateTable("interactions").set(index === 0 ? { kind: "email", source: "email" } : { kind: "meeting", source: "calendar" }).where("id", "=", moment.id).execute();
      }
      return `/organisations/${latest.organisation_id}#timeline`;
    },
  },
  { name: "portal-colleagues", as: "partner", path: "/portal" },
  {
    name: "portal-report-leaving",
    as: "partner",
    path: "/portal",
    then: async ({ page }) => {
      await page.locator("summary", { hasText: "Meld vertrek" }).first().click();
    },
  },
  {
    name: "portal-commitment",
    as: "partner",
    path: async (db) => {
      const partner = await db.selectFrom("users").select("organisation_id").where("email", "=", ACCOUNTS.partner).executeTakeFirstOrThrow();
      const commitment = await db.selectFrom("commitments").select("id").where("organisation_id", "=", partner.organisation_id ?? "").where("archived_at", "is", null).orderBy("school_year", "desc").executeTakeFirstOrThrow();
      return `/commitments/${commitment.id}`;
    },
  },
  {
    name: "person-edit",
    as: "accounthouder",
    path: async (db) => {
      const person = await db.selectFrom("people").select("id").where("anonymised_at", "is", null).where("archived_at", "is", null).orderBy("name").executeTakeFirstOrThrow();
      return `/people/${person.id}`;
    },
    then: async ({ page }) => {
      await page.locator("summary", { hasText: "Bewerken" }).click();
    },
  },
  {
    name: "interaction-edit",
    as: "accounthouder",
    path: async (db) => {
      const moment = await db.selectFrom("interactions").select("id").where("user_id", "=", await userId(db, ACCOUNTS.accounthouder)).where("archived_at", "is", null).orderBy("date", "desc").executeTakeFirstOrThrow();
      return `/interactions/${moment.id}/edit`;
    },
  },
  {
    name: "interaction-delete-confirm",
    as: "accounthouder",
    path: async (db) => {
      const moment = await db.selectFrom("interactions").select("id").where("user_id", "=", await userId(db, ACCOUNTS.accounthouder)).where("archived_at", "is", null).orderBy("date", "desc").executeTakeFirstOrThrow();
      return `/interactions/${moment.id}/edit?delete=1`;
    },
  },
];

async function main() {
  const filter = process.argv[2];
  const looks = LOOKS.filter((look) => !filter || new RegExp(filter).test(look.name));
  mkdirSync(OUT_DIR, { recursive: true });

  // The embedded PostgreSQL of DATA_DIR, shared by the server and the setups here.
  const base = readConfig({ INBOUND_SMTP_PORT: "off", ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", NODE_ENV: "production" });
  const database = await connectDatabaseServer(base, () => {});
  const config = readConfig({ INBOUND_SMTP_PORT: "off", ...process.env, DATABASE_URL: database.url, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", NODE_ENV: "production" });
  const server = await startServer(config);
  const db = createDatabase(database.url, { max: 3 });
  const browser = await launchBrowser();
  const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  const url = `http://127.0.0.1:${new URL(server.url).port}`;
  let problems = 0;
  try {
    await prepare(db, config);
    const twoFactorSecrets = await enableTwoFactor(db, config, [SPARE.twoFactor, SPARE.codeLockout]);
    const signedIn = new Map<string, Awaited<ReturnType<BrowserContext["storageState"]>>>();
    for (const look of looks) {
      const context = await browser.newContext({ baseURL: url, viewport: WIDTHS[0], storageState: look.as ? signedIn.get(look.as) : undefined });
      const page = await context.newPage();
      try {
        if (look.as && !signedIn.has(look.as)) {
          await signIn(page, ACCOUNTS[look.as as Role] ?? look.as, DEMO_PASSWORD, twoFactorSecrets);
          signedIn.set(look.as, await context.storageState());
        }
        await page.goto(typeof look.path === "string" ? look.path : await look.path(db));
        await look.then?.({ page, db, base: url, browser: browser.browser, twoFactorSecrets });
        const found: string[] = [];
        for (const size of WIDTHS) {
          await page.setViewportSize(size);
          await page.screenshot({ path: path.join(OUT_DIR, `${look.name}-${size.width}.png`), fullPage: true });
          const scrollWidth = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
          if (size.width === 390 && scrollWidth > 390) found.push(`scrolls sideways at 390 px (${scrollWidth} px wide)`);
          for (const violation of await runAxe(page, axeSource)) if (!found.includes(violation)) found.push(violation);
        }
        problems += found.length;
        say(`${found.length ? "✗" : "✓"} ${look.name} (${look.as ?? "signed out"}) ${new URL(page.url()).pathname}`);
        for (const line of found) say(`    ${line}`);
      } catch (error) {
        problems++;
        say(`✗ ${look.name}: ${(error as Error).message.split("\n")[0]} (at ${page.url()}; see ${look.name}-error.png)`);
        await page.screenshot({ path: path.join(OUT_DIR, `${look.name}-error.png`), fullPage: true }).catch(() => {});
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await db.destroy();
    await server.stop();
    await database.stop();
  }
  say(`Screenshots in ${OUT_DIR}`);
  process.exitCode = problems ? 1 : 0;
}

/** axe-core in the page (evaluate is not subject to the page's CSP); serious and critical violations only. */
async function runAxe(page: Page, source: string): Promise<string[]> {
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => String(n.target)) }));
  });
  return violations.filter((v) => process.env.AXE_ALL || v.impact === "serious" || v.impact === "critical").map((v) => `axe ${v.impact} ${v.id}: ${v.help} (${v.targets.join(" | ")})`);
}

/** The sign-in form as a person fills it, and the code step when two-factor sign-in is on. */
async function signIn(page: Page, email: string, password = DEMO_PASSWORD, twoFactorSecrets?: Map<string, string>) {
  await page.goto("/sign-in");
  await page.getByLabel("E-mailadres").fill(email);
  await page.getByLabel("Wachtwoord").fill(password);
  await submit(page, page.getByRole("button", { name: "Inloggen", exact: true }));
  // After hydration the form posts by fetch, which networkidle can miss: wait for the answer itself,
  // the next page or a refusal, so the session cookie is there before the caller keeps it.
  await Promise.race([page.waitForURL((url) => url.pathname !== "/sign-in"), page.getByRole("alert").first().waitFor()]).catch(() => {});
  const secret = twoFactorSecrets?.get(email);
  if (secret && new URL(page.url()).pathname === "/sign-in/code") {
    await page.getByLabel(/code/i).fill(await generate({ secret }));
    await submit(page, page.getByRole("button"));
  }
}

/** Clicks and waits until the page has settled (a plain POST, or Remix's fetch after hydration). */
async function submit(page: Page, button: ReturnType<Page["getByRole"]>) {
  await Promise.all([page.waitForLoadState("networkidle"), button.click()]);
  await page.waitForLoadState("networkidle");
}

/**
 * The demo account holder's organisation with a running plan: one where the demo has none is given
 * the "Contactpersoon vertrokken" plan by its own service, as a contact leaving would start it.
 */
async function organisationWithPlan(db: Database): Promise<string> {
  const user = await db.selectFrom("users").select(["id", "region_id"]).where("email", "=", ACCOUNTS.accounthouder).executeTakeFirstOrThrow();
  const running = await db.selectFrom("plans").innerJoin("organisations", "organisations.id", "plans.organisation_id").select("organisations.id")
    .where("organisations.account_holder_id", "=", user.id).where("plans.status", "=", "running").orderBy("organisations.name").executeTakeFirst();
  if (running) return running.id;
  const organisation = await db.selectFrom("organisations").select("id").where("account_holder_id", "=", user.id).where("archived_at", "is", null)
    .where("kind", "=", "company").orderBy("name").executeTakeFirstOrThrow();
  await db.transaction().execute((trx) => startPlan(trx, user.region_id, organisation.id, "contact_left", { actor: null, now: new Date() }));
  return organisation.id;
}

async function userId(db: Database, email: string) {
  return (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

/**
 * A mail the demo account holder sent to someone Schakel does not know, with her logging address in
 * the bcc, as the SMTP listener hands it on: it waits in her "Te koppelen" list. The addressee's
 * domain is a demo company's website, so that company is suggested.
 */
async function unmatchedMail(db: Database): Promise<{ itemId: string; organisationId: string }> {
  const user = await db.selectFrom("users").select(["id", "region_id", "role", "email"]).where("email", "=", ACCOUNTS.accounthouder).executeTakeFirstOrThrow();
  const recipient = (await loggingAddressOf(db, { id: user.id, regionId: user.region_id, role: user.role }, { domain: "schakel.localhost", now: new Date() }))!;
  const company = await db.selectFrom("organisations").select(["id", "website"]).where("region_id", "=", user.region_id).where("website", "is not", null).where("archived_at", "is", null).orderBy("name").executeTakeFirstOrThrow();
  const domain = new URL(/^https?:/.test(company.website!) ? company.website! : `https://${company.website}`).hostname.replace(/^www\./, "");
  const boundary = "look-at-pages";
  const raw = Buffer.from([
    `From: Demo Accounthouder <${user.email}>`,
    `To: Mieke van der Berg-Jansen <mieke.van.der.berg-jansen@${domain}>`,
    `Cc: planning@${domain}`,
    "Subject: Gastles installatietechniek in het voorjaar: wie komt er en wanneer?",
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <look-${Date.now()}-${Math.random().toString(36).slice(2)}@sto-twente.demo>`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Dag Mieke,",
    "",
    "Leuk dat jullie in maart een gastles willen geven aan de derdejaars van het Assink. Zullen we dinsdag 10 maart om 10:30 uur afspreken? Ik stuur het lesplan mee.",
    "",
    "Met vriendelijke groet,",
    "Demo",
    `--${boundary}`,
    'Content-Type: application/pdf; name="lesplan-gastles-installatietechniek-voorjaar.pdf"',
    'Content-Disposition: attachment; filename="lesplan-gastles-installatietechniek-voorjaar.pdf"',
    "Content-Transfer-Encoding: base64",
    "",
    Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64"),
    `--${boundary}--`,
    "",
  ].join("\r\n"));
  const outcome = await ingestMessage(db, { recipient, envelopeFrom: user.email, raw, via: "smtp" }, { now: new Date(), trustedAuthservIds: [] });
  if (outcome.status !== "unmatched" || !outcome.inboundMessageId) throw new Error(`The look's mail was ${outcome.status}: ${outcome.reason ?? ""}`);
  return { itemId: outcome.inboundMessageId, organisationId: company.id };
}

/** A single-use link of `purpose` for `email`, as the reset and invitation emails carry. */
async function linkToken(db: Database, email: string, purpose: "invitation" | "password_reset" | "sign_in_link") {
  const token = generateSecret();
  const now = new Date();
  await db.insertInto("user_tokens").values({ user_id: await userId(db, email), purpose, token_hash: hashSecret(token), expires_at: new Date(now.getTime() + 3_600_000), created_at: now }).execute();
  return token;
}

/**
 * A confirmation link for a further sender address of the demo account holder, as the mail carries
 * (pending, expired, or the address already confirmed).
 */
async function senderLink(db: Database, email: string, options: { expired?: boolean; confirmed?: boolean } = {}) {
  const user = await db.selectFrom("users").select(["id", "region_id"]).where("email", "=", ACCOUNTS.accounthouder).executeTakeFirstOrThrow();
  const token = generateSecret();
  const now = new Date();
  const pending = {
    confirmed_at: options.confirmed ? now : null,
    confirmation_hash: options.confirmed ? null : hashSecret(token),
    confirmation_expires_at: options.confirmed ? null : new Date(now.getTime() + (options.expired ? -1 : 7) * 86_400_000),
  };
  await db
    .insertInto("mail_sender_addresses")
    .values({ region_id: user.region_id, user_id: user.id, email, created_at: now, ...pending })
    .onConflict((oc) => oc.columns(["user_id", "email"]).doUpdateSet(pending))
    .execute();
  return token;
}

/** Sets up "Inloggen met Microsoft" for STO Twente (once per run), as an admin would on /admin/sign-in. */
async function withSchoolAccount(db: Database) {
  const region = await db.selectFrom("regions").select("id").where("slug", "=", "twente").executeTakeFirstOrThrow();
  if (await findOidcProvider(db, region.id)) return;
  const values = OidcProviderInput.parse({ kind: "entra", tenantId: "0b5d1c9e-4f2a-4c1e-9d3b-7a6e5f4d3c2b", clientId: "schakel-twente", clientSecret: "demo-geheim", domains: "sto-twente.demo" });
  await saveOidcProvider(db, createSecretBox(loadSecretKey(readConfig())), region.id, values, { actorId: null, now: new Date() });
}

/** Undoes what an earlier run left: the locks, the invited account's missing password, the school-account setup. */
async function prepare(db: Database, config: ReturnType<typeof readConfig>) {
  const twente = await db.selectFrom("regions").select("id").where("slug", "=", "twente").executeTakeFirst();
  if (twente) await removeOidcProvider(db, twente.id, { actorId: null, now: new Date() });
  await db.deleteFrom("rate_limit_buckets").execute();
  await db.deleteFrom("sign_in_attempts").execute();
  await db.deleteFrom("second_factor_failures").execute();
  await db.deleteFrom("password_reset_requests").execute();
  await db.deleteFrom("sign_in_link_requests").execute();
  const invited = await db.selectFrom("users").select("id").where("email", "=", SPARE.invited).executeTakeFirst();
  if (!invited) {
    const region = await db.selectFrom("regions").select("id").where("slug", "=", "twente").executeTakeFirstOrThrow();
    await db.transaction().execute((trx) => createUser(trx, { regionId: region.id, email: SPARE.invited, name: "Nieuwe Collega", role: "accounthouder" }, { actor: null, now: new Date(), appUrl: config.appUrl }));
  }
  const invitedPartner = await db.selectFrom("users").select("id").where("email", "=", SPARE.invitedPartner).executeTakeFirst();
  if (!invitedPartner) {
    const partner = await db.selectFrom("users").select(["region_id", "organisation_id"]).where("email", "=", ACCOUNTS.partner).executeTakeFirstOrThrow();
    await db.transaction().execute((trx) => createUser(trx, { regionId: partner.region_id, email: SPARE.invitedPartner, name: "Nieuwe Partner", role: "partner", organisationId: partner.organisation_id }, { actor: null, now: new Date(), appUrl: config.appUrl }));
  } else {
    await db.updateTable("users").set({ password_hash: null, joined_at: null }).where("id", "=", invitedPartner.id).execute();
  }
}

/** Turns two-factor sign-in on for these accounts (once) and returns their secrets. */
async function enableTwoFactor(db: Database, config: ReturnType<typeof readConfig>, emails: string[]) {
  const box = createSecretBox(loadSecretKey(config));
  const secrets = new Map<string, string>();
  for (const email of emails) {
    const id = await userId(db, email);
    await db.updateTable("users").set({ totp_enabled_at: null, totp_secret: null, totp_last_step: null }).where("id", "=", id).execute();
    const { secret } = await enrollmentSecret(db, box, { id, email });
    // Enrolled with the previous period's code, so that the current one is still unspent for signing in.
    await confirmEnrollment(db, box, id, await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 30 }), new Date());
    secrets.set(email, secret);
  }
  return secrets;
}

await main();
