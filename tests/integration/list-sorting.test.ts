import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_PASSWORD } from "../support/factories";
import { ORGANISATION_SORTS, PEOPLE_SORTS } from "../../server/domains/lists/list-sorts";

type Page = { items: Array<{ id: string; name: string; organisationName?: string | null }>; nextCursor: string | null; error?: { code: string } };

/** The organisation and people lists sorted on their columns, both ways, a page at a time. */
describe("sorting the organisation and people lists", () => {
  let t: TestDatabase;
  let web: TestApp;
  let token: string;
  const jar = new CookieJar();
  const ids: Record<string, string> = {};

  const get = async (address: string) => {
    const response = await web.request(address, { token });
    return { status: response.status, body: (await response.json()) as Page };
  };
  /** Every row of a list, walked two at a time with the cursors the API hands out. */
  const walk = async (path: string, query: string) => {
    const rows: string[] = [];
    let cursor: string | null = null;
    do {
      const { status, body } = await get(`${path}?${query}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(status).toBe(200);
      rows.push(...body.items.map((item) => item.name));
      cursor = body.nextCursor;
    } while (cursor);
    return rows;
  };

  async function organisation(regionId: string, values: { name: string; kind?: "company" | "vmbo"; city?: string | null; tier?: "strategic" | "regular" | "occasional"; subregionId?: string | null; accountHolderId?: string | null; health?: "healthy" | "watch" | "cooling" | "cold" }) {
    const { id } = await t.db.insertInto("organisations").values({
      region_id: regionId, kind: values.kind ?? "company", name: values.name, city: values.city ?? null, tier: values.tier ?? "regular",
      subregion_id: values.subregionId ?? null, account_holder_id: values.accountHolderId ?? null, tags: ["sorteren"], vmbo_profiles: [], learning_paths: [], crebo_numbers: [],
    }).returning("id").executeTakeFirstOrThrow();
    if (values.health) {
      await t.db.insertInto("organisation_health").values({ organisation_id: id, region_id: regionId, state: values.health, reasons: sql`'[]'::jsonb`, state_since: "2026-02-01", last_contact_date: null, computed_at: new Date("2026-03-01T00:00:00Z") }).execute();
    }
    return id;
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: "2026-03-04T10:00:00Z" });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db, { name: "STO Elders", slug: "elders" });
    const holder = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Bea Bakker" });
    token = holder.token;
    const colleague = await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Anton Aalders" });
    const [north, south] = await t.db.selectFrom("subregions").select(["id", "name"]).where("region_id", "=", region.id).orderBy("name").limit(2).execute();
    ids.alfa = await organisation(region.id, { name: "Alfa Techniek", city: "Hengelo", tier: "occasional", subregionId: south!.id, accountHolderId: holder.user.id, health: "healthy" });
    ids.bravo = await organisation(region.id, { name: "Bravo Bouw", city: null, tier: "strategic", accountHolderId: colleague.id, health: "cold" });
    ids.charlie = await organisation(region.id, { name: "Charlie Metaal", city: "Almelo", tier: "regular", subregionId: north!.id, accountHolderId: holder.user.id, health: "cooling" });
    ids.delta = await organisation(region.id, { name: "Delta College", kind: "vmbo", city: "Enschede", tier: "strategic", subregionId: north!.id, health: "watch" });
    ids.echo = await organisation(region.id, { name: "Echo Elektro", city: "Almelo", tier: "regular" });
    await organisation(other.id, { name: "Foxtrot Elders", city: "Almelo", health: "cold" });
    // People: two at Charlie, one at Alfa (a primary job besides an older one at Bravo), one who left, one never placed.
    const person = async (name: string, email: string | null, jobs: Array<{ at: string; primary?: boolean; ended?: boolean }>) => {
      const { id } = await t.db.insertInto("people").values({ region_id: region.id, name, email, lawful_basis: "legitimate_interest", opt_out: false }).returning("id").executeTakeFirstOrThrow();
      for (const job of jobs) {
        await t.db.insertInto("affiliations").values({ region_id: region.id, person_id: id, organisation_id: job.at, is_primary: job.primary ?? false, start_date: "2025-01-01", end_date: job.ended ? "2026-01-01" : null, end_reason: job.ended ? "left_organisation" : null }).execute();
      }
      return id;
    };
    await person("Zoë Zwart", "zoe@charlie.nl", [{ at: ids.charlie }]);
    await person("Yusuf Yilmaz", null, [{ at: ids.charlie }]);
    await person("Xander Xie", "xander@alfa.nl", [{ at: ids.bravo }, { at: ids.alfa, primary: true }]);
    await person("Wim Wessels", "wim@bravo.nl", [{ at: ids.bravo, ended: true }]);
    await person("Vera Visser", null, []);
    await web.postForm("/sign-in", { email: holder.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
  });
  afterAll(() => t.drop());

  it("sorts organisations on every column both ways, and paging through each order gives every row once, in the order one page gives", async () => {
    for (const sort of ORGANISATION_SORTS) {
      for (const dir of ["asc", "desc"]) {
        const whole = (await get(`/api/v1/organisations?tag=sorteren&sort=${sort}&dir=${dir}&limit=200`)).body.items.map((o) => o.name);
        expect(whole, `${sort} ${dir}`).toHaveLength(5);
        expect(await walk("/api/v1/organisations", `tag=sorteren&sort=${sort}&dir=${dir}`), `${sort} ${dir}`).toEqual(whole);
        const reversed = (await get(`/api/v1/organisations?tag=sorteren&sort=${sort}&dir=${dir === "asc" ? "desc" : "asc"}&limit=200`)).body.items.map((o) => o.name);
        expect(reversed, `${sort} reversed`).toEqual([...whole].reverse());
      }
    }
  });

  it("puts the coldest relationships first when sorted by health, those without a state last", async () => {
    expect(await walk("/api/v1/organisations", "tag=sorteren&sort=health")).toEqual(["Bravo Bouw", "Charlie Metaal", "Delta College", "Alfa Techniek", "Echo Elektro"]);
    expect(await walk("/api/v1/organisations", "tag=sorteren&sort=city")).toEqual(["Charlie Metaal", "Echo Elektro", "Delta College", "Alfa Techniek", "Bravo Bouw"]);
    expect(await walk("/api/v1/organisations", "tag=sorteren&sort=accountHolder")).toEqual(["Bravo Bouw", "Alfa Techniek", "Charlie Metaal", "Delta College", "Echo Elektro"]);
  });

  it("answers a hostile sort or direction with the default order, never an error or another region's rows", async () => {
    const byName = ["Alfa Techniek", "Bravo Bouw", "Charlie Metaal", "Delta College", "Echo Elektro"];
    for (const hostile of ["sort=name;drop table organisations", "sort=lower(name)", "sort=__proto__", "sort[]=name", "sort=name&sort=health", "dir=sideways", "dir=asc;--", `sort=${"x".repeat(5000)}`]) {
      const { status, body } = await get(`/api/v1/organisations?tag=sorteren&limit=200&${hostile.replace(";", "%3B")}`);
      expect(status, hostile).toBe(200);
      if (!hostile.startsWith("sort=name&sort=health")) expect(body.items.map((o) => o.name), hostile).toEqual(byName);
    }
    const people = await get("/api/v1/people?sort=organisation.id&dir=up&limit=200");
    expect(people.status).toBe(200);
    expect(people.body.items.map((p) => p.name)).toEqual(["Vera Visser", "Wim Wessels", "Xander Xie", "Yusuf Yilmaz", "Zoë Zwart"]);
  });

  it("refuses a cursor made in another order or direction instead of reading it as this order's values", async () => {
    const byName = await get("/api/v1/organisations?tag=sorteren&sort=name&limit=2");
    expect(byName.body.nextCursor).not.toBeNull();
    const cursor = byName.body.nextCursor!;
    for (const other of ["sort=name&dir=desc", "sort=kind", "sort=updated", "sort=health"]) {
      const { status, body } = await get(`/api/v1/organisations?tag=sorteren&${other}&cursor=${cursor}`);
      expect(status, other).toBe(400);
      expect(body.error?.code).toBe("VALIDATION_FAILED");
    }
    const people = await get("/api/v1/people?sort=name&limit=2");
    expect((await get(`/api/v1/people?sort=email&cursor=${people.body.nextCursor}`)).status).toBe(400);
  });

  it("lists people with where they work now, sorted on it both ways and paged without gaps", async () => {
    const all = (await get("/api/v1/people?sort=organisation&limit=200")).body.items;
    expect(all.map((p) => [p.name, p.organisationName])).toEqual([
      ["Xander Xie", "Alfa Techniek"], ["Yusuf Yilmaz", "Charlie Metaal"], ["Zoë Zwart", "Charlie Metaal"], ["Vera Visser", null], ["Wim Wessels", null],
    ]);
    for (const sort of PEOPLE_SORTS) {
      for (const dir of ["asc", "desc"]) {
        const whole = (await get(`/api/v1/people?sort=${sort}&dir=${dir}&limit=200`)).body.items.map((p) => p.name);
        expect(await walk("/api/v1/people", `sort=${sort}&dir=${dir}`), `${sort} ${dir}`).toEqual(whole);
      }
    }
  });

  it("filters people on their organisation, an email address and having left", async () => {
    const names = async (query: string) => (await get(`/api/v1/people?${query}&limit=200`)).body.items.map((p) => p.name);
    expect(await names(`organisationId=${ids.charlie}`)).toEqual(["Yusuf Yilmaz", "Zoë Zwart"]);
    expect(await names("organisation=charlie")).toEqual(["Yusuf Yilmaz", "Zoë Zwart"]);
    expect(await names(`organisationId=${ids.bravo}`)).toEqual(["Xander Xie"]);
    expect(await names("hasEmail=true")).toEqual(["Wim Wessels", "Xander Xie", "Zoë Zwart"]);
    expect(await names("hasEmail=false")).toEqual(["Vera Visser", "Yusuf Yilmaz"]);
    expect(await names("left=true")).toEqual(["Wim Wessels"]);
    expect(await names("left=false&hasEmail=true")).toEqual(["Xander Xie", "Zoë Zwart"]);
  });

  it("shows the sort on the list pages: header links that turn the order round, with aria-sort on the sorted column", async () => {
    const organisations = await (await web.get("/organisations?tag=sorteren&sort=health", { jar })).text();
    expect(organisations).toMatch(/<th scope="col" aria-sort="ascending"><a[^>]*href="\/organisations\?tag=sorteren&amp;sort=health&amp;dir=desc"/);
    expect(organisations).toMatch(/href="\/organisations\?tag=sorteren&amp;sort=name&amp;dir=asc"/);
    expect(organisations.indexOf("Bravo Bouw")).toBeLessThan(organisations.indexOf("Alfa Techniek"));
    const mine = await (await web.get("/my-partners?sort=health", { jar })).text();
    expect(mine).toContain('aria-sort="ascending"');
    expect(mine.indexOf("Charlie Metaal")).toBeLessThan(mine.indexOf("Alfa Techniek"));
    expect(mine).toMatch(/badge-health badge-cooling">Koelt af</);
    const people = await (await web.get("/people?sort=organisation&dir=desc", { jar })).text();
    expect(people).toContain('aria-sort="descending"');
    expect(people).toContain("Alfa Techniek");
    expect(people.indexOf("Zoë Zwart")).toBeLessThan(people.indexOf("Xander Xie"));
  });
});
