import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, TEST_SECRET_KEY, type TestApp } from "../support/app";
import { createSecretBox } from "../../server/auth/secret-key";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/** "Inloggen met schoolaccount" (/admin/sign-in): an admin chooses Microsoft, Google or another issuer for the region's staff. */
const TENANT = "0a1b2c3d-0000-4000-8000-123456789abc";
const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, "base64"));

describe("the school-account sign-in settings page", () => {
  let t: TestDatabase;
  let web: TestApp;
  let regionId: string;
  let otherAdmin: CookieJar;
  const admin = new CookieJar();
  const accounthouder = new CookieJar();
  const save = (jar: CookieJar, fields: Record<string, string>) => web.postForm("/admin/sign-in", { intent: "save", provision: "invited", role: "accounthouder", ...fields }, { jar });
  const stored = (id = regionId) => t.db.selectFrom("oidc_providers").selectAll().where("region_id", "=", id).executeTakeFirst();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    regionId = (await makeRegion(t.db)).id;
    const other = await makeRegion(t.db);
    otherAdmin = new CookieJar();
    for (const [jar, role, region] of [[admin, "admin", regionId], [accounthouder, "accounthouder", regionId], [otherAdmin, "admin", other.id]] as const) {
      const user = await makeUser(t.db, { regionId: region, role });
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
  });
  afterAll(() => t.drop());

  it("shows the admin the callback address to register and the three choices", async () => {
    const page = await (await web.get("/admin/sign-in", { jar: admin })).text();
    expect(page).toContain(`${web.appUrl}/auth/oidc/callback`);
    expect(page).toContain("Microsoft Entra ID (Microsoft 365)");
    expect(page).toContain("Google Workspace");
    expect(page).toContain("Er is nog geen inlogdienst ingesteld.");
  });

  it("refuses Entra's shared 'common' tenant next to the field, and stores nothing", async () => {
    const answer = await save(admin, { kind: "entra", tenantId: "common", clientId: "app", clientSecret: "geheim" });
    expect(answer.status).toBe(400);
    expect(fieldErrorOf(await answer.text(), "tenantId")).toContain("niet common, organizations of consumers");
    expect(await stored()).toBeUndefined();
  });

  it("refuses Google Workspace without a domain", async () => {
    const answer = await save(admin, { kind: "google", clientId: "app", clientSecret: "geheim" });
    expect(fieldErrorOf(await answer.text(), "domains")).toBe("Vul het domein van uw school in: zonder domein kan elk Google-account inloggen.");
    expect(await stored()).toBeUndefined();
  });

  it("saves Microsoft with the tenant's own issuer, encrypts the secret, and never shows it again", async () => {
    const answer = await save(admin, { kind: "entra", tenantId: TENANT, clientId: "app-id", clientSecret: "het-geheim-van-de-school", domains: "school.nl", label: "Microsoft", schoolAccountOnly: "on" });
    const html = await answer.text();
    expect(alertsOf(html)).toEqual(["De instellingen zijn opgeslagen."]);
    const row = (await stored())!;
    expect(row.issuer).toBe(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    expect(row.school_account_only).toBe(true);
    expect(box.decrypt(row.client_secret, `oidc_providers.client_secret:${regionId}`)).toBe("het-geheim-van-de-school");
    const page = await (await web.get("/admin/sign-in", { jar: admin })).text();
    expect(page).not.toContain("het-geheim-van-de-school");
    expect(page).toContain(`value="${TENANT}"`);
    // Saved again without a secret: the stored one is kept.
    await save(admin, { kind: "entra", tenantId: TENANT, clientId: "app-id-2", domains: "school.nl", label: "Microsoft" });
    const again = (await stored())!;
    expect(again.client_id).toBe("app-id-2");
    expect(box.decrypt(again.client_secret, `oidc_providers.client_secret:${regionId}`)).toBe("het-geheim-van-de-school");
  });

  it("refuses a domain another region's admin already claimed, naming it", async () => {
    const answer = await save(otherAdmin, { kind: "other", issuer: "https://idp.example.org", clientId: "x", clientSecret: "y", domains: "andere.nl, school.nl" });
    expect(answer.status).toBe(400);
    expect(fieldErrorOf(await answer.text(), "domains")).toBe("Het domein school.nl hoort al bij een andere regio; een domein kan maar bij één regio horen.");
    expect(await t.db.selectFrom("oidc_domains").select("domain").where("domain", "=", "andere.nl").execute()).toEqual([]);
  });

  it("is the admin's alone", async () => {
    expect((await web.get("/admin/sign-in", { jar: accounthouder })).status).toBe(403);
    expect((await save(accounthouder, { kind: "google", clientId: "x", clientSecret: "y", domains: "indringer.nl" })).status).toBe(403);
  });

  it("switches school-account sign-in off with its button", async () => {
    const answer = await web.postForm("/admin/sign-in", { intent: "remove" }, { jar: admin });
    expect(alertsOf(await answer.text())).toEqual(["Inloggen met schoolaccount staat uit."]);
    expect(await stored()).toBeUndefined();
  });
});
