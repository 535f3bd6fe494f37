import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_PASSWORD } from "../support/factories";
import { ACTIVITY_SORTS, ORGANISATION_SORTS, PEOPLE_SORTS } from "../../server/domains/lists/list-sorts";

type Page = { items: Array<{ id: string; name: string; title?: string; organisationName?: string | null }>; nextCursor: string | null; error?: { code: string } };

/** The organisation, people and activities lists sorted on their columns, both ways, a page at a time. */
describe("sorting the organisation, people and activities lists", () => {
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
      rows.push(...body.items.map((item) => item.title ?? item.name));
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
    // Activities: two on one day (the id decides between them), one with two partners, two with none (a school only, or nobody).
    const activity = async (title: string, type: "guest_lesson" | "company_visit" | "event" | "internship" | "workshop", status: "offered" | "planned" | "done" | "cancelled", startDate: string, partners: string[], regionId = region.id) => {
      const { id } = await t.db.insertInto("activities").values({
        region_id: regionId, type, title, description: null, start_date: startDate, end_date: startDate, start_time: null, end_time: null, status,
        profiles: [], learning_paths: [], pupils_reached: status === "done" ? 20 : null, teachers_involved: status === "done" ? 1 : null, places_offered: null, places_filled: null, person_id: null,
        details: sql`'{}'::jsonb`, shared_with_region_ids: [], created_by: null, archived_at: null,
      }).returning("id").executeTakeFirstOrThrow();
      for (const organisationId of partners) await t.db.insertInto("activity_organisations").values({ activity_id: id, organisation_id: organisationId, role: "partner" }).execute();
      return id;
    };
    await activity("Gastles lassen", "guest_lesson", "planned", "2026-04-10", [ids.charlie]);
    await activity("Bedrijfsbezoek Alfa", "company_visit", "done", "2026-01-15", [ids.alfa]);
    const openDay = await activity("Open dag", "event", "offered", "2026-04-10", []);
    await t.db.insertInto("activity_organisations").values({ activity_id: openDay, organisation_id: ids.delta, role: "school" }).execute();
    await activity("Stage metaal", "internship", "cancelled", "2025-11-01", [ids.bravo, ids.alfa]);
    await activity("Workshop zonder partner", "workshop", "planned", "2026-05-20", []);
    await activity("Elders", "workshop", "planned", "2026-04-10", [], other.id);
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
        // A column that may be empty keeps the empty ones last both ways (decision 143); the others turn round exactly.
        if (!["city", "subregion", "accountHolder"].includes(sort)) expect(reversed, `${sort} reversed`).toEqual([...whole].reverse());
      }
    }
  });

  it("puts organisations without a city, subregion or owner last in both directions, so Z–A starts with the highest values", async () => {
    expect(await walk("/api/v1/organisations", "tag=sorteren&sort=city&dir=desc")).toEqual(["Alfa Techniek", "Delta College", "Echo Elektro", "Charlie Metaal", "Bravo Bouw"]);
    expect(await walk("/api/v1/organisations", "tag=sorteren&sort=subregion&dir=desc").then((names) => names.slice(-2))).toEqual(["Echo Elektro", "Bravo Bouw"]);
    expect(await walk("/api/v1/organisations", "tag=sorteren&sort=accountHolder&dir=desc")).toEqual(["Charlie Metaal", "Alfa Techniek", "Bravo Bouw", "Echo Elektro", "Delta College"]);
    expect(await walk("/api/v1/people", "sort=organisation&dir=desc")).toEqual(["Zoë Zwart", "Yusuf Yilmaz", "Xander Xie", "Wim Wessels", "Vera Visser"]);
    expect(await walk("/api/v1/people", "sort=email&dir=desc").then((names) => names.slice(-2))).toEqual(["Yusuf Yilmaz", "Vera Visser"]);
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

  describe("the activities list", () => {
    const titles = async (query: string) => {
      const { status, body } = await get(`/api/v1/activities?${query}&limit=200`);
      expect(status, query).toBe(200);
      return body.items.map((a) => a.title!);
    };

    it("sorts on every column both ways, and paging two at a time gives every activity once, in the order one page gives", async () => {
      for (const sort of ACTIVITY_SORTS) {
        for (const dir of ["asc", "desc"]) {
          const whole = await titles(`sort=${sort}&dir=${dir}`);
          expect(whole, `${sort} ${dir}`).toHaveLength(5);
          expect(await walk("/api/v1/activities", `sort=${sort}&dir=${dir}`), `${sort} ${dir}`).toEqual(whole);
          // Every order but the partner's is the exact reverse of the other direction; the partner's keeps the activities without one last.
          if (sort !== "partner") expect(await titles(`sort=${sort}&dir=${dir === "asc" ? "desc" : "asc"}`), `${sort} reversed`).toEqual([...whole].reverse());
        }
      }
    });

    it("orders types and statuses as listed, titles A–Z, and keeps activities without a partner last in both directions", async () => {
      expect(await titles("sort=type")).toEqual(["Stage metaal", "Gastles lassen", "Bedrijfsbezoek Alfa", "Workshop zonder partner", "Open dag"]);
      expect(await titles("sort=status")).toEqual(["Open dag", "Gastles lassen", "Workshop zonder partner", "Bedrijfsbezoek Alfa", "Stage metaal"]);
      expect(await titles("sort=title")).toEqual(["Bedrijfsbezoek Alfa", "Gastles lassen", "Open dag", "Stage metaal", "Workshop zonder partner"]);
      // Stage metaal's first partner is Alfa (Bravo is its other): it sorts with Bedrijfsbezoek Alfa, the earlier start first.
      expect(await titles("sort=partner")).toEqual(["Stage metaal", "Bedrijfsbezoek Alfa", "Gastles lassen", "Open dag", "Workshop zonder partner"]);
      expect(await titles("sort=partner&dir=desc")).toEqual(["Gastles lassen", "Bedrijfsbezoek Alfa", "Stage metaal", "Workshop zonder partner", "Open dag"]);
      expect(await walk("/api/v1/activities", "sort=partner&dir=desc")).toEqual(["Gastles lassen", "Bedrijfsbezoek Alfa", "Stage metaal", "Workshop zonder partner", "Open dag"]);
    });

    it("keeps the date order the default, newest first, and order=soonest|newest as its older name", async () => {
      const newest = await titles("");
      expect(newest[0]).toBe("Workshop zonder partner");
      expect(newest.at(-1)).toBe("Stage metaal");
      expect(await titles("sort=date&dir=desc")).toEqual(newest);
      expect(await titles("order=newest")).toEqual(newest);
      expect(await titles("order=soonest")).toEqual([...newest].reverse());
      expect(await titles("sort=date&dir=asc")).toEqual([...newest].reverse());
      expect(await walk("/api/v1/activities", "order=soonest")).toEqual([...newest].reverse());
      // An explicit direction wins; another column ignores the older name.
      expect(await titles("order=soonest&dir=desc")).toEqual(newest);
      expect(await titles("order=soonest&sort=title")).toEqual(await titles("sort=title&dir=asc"));
      expect((await get("/api/v1/activities?sort=lower(title)&dir=sideways&limit=200")).body.items.map((a) => a.title)).toEqual(newest);
      expect((await get("/api/v1/activities?order=oldest")).status).toBe(400);
    });

    it("refuses a cursor of another order or direction, and one of the list's old shape", async () => {
      const byDate = await get("/api/v1/activities?sort=date&dir=asc&limit=2");
      for (const other of ["sort=date&dir=desc", "sort=title&dir=asc", "sort=partner", "order=newest"]) {
        const { status, body } = await get(`/api/v1/activities?${other}&cursor=${byDate.body.nextCursor}`);
        expect(status, other).toBe(400);
        expect(body.error?.code).toBe("VALIDATION_FAILED");
      }
      const old = Buffer.from(JSON.stringify(["2026-04-10", byDate.body.items[0]!.id])).toString("base64url");
      expect((await get(`/api/v1/activities?cursor=${old}`)).status).toBe(400);
    });

    it("shows the sort on the activities page: header links that turn the order round, the sort select, and each tab's own date order", async () => {
      const partner = await (await web.get("/activities?when=all&sort=partner&dir=desc", { jar })).text();
      expect(partner).toMatch(/<th scope="col" aria-sort="descending"><a[^>]*href="\/activities\?when=all&amp;sort=partner&amp;dir=asc"/);
      expect(partner).toMatch(/href="\/activities\?when=all&amp;sort=title&amp;dir=asc"/);
      expect(partner).toMatch(/<option value="partner" selected="">Partner \(de eerste\)<\/option>/);
      expect(partner.indexOf("Gastles lassen")).toBeLessThan(partner.indexOf("Bedrijfsbezoek Alfa"));
      expect(partner.indexOf("Stage metaal")).toBeLessThan(partner.indexOf("Workshop zonder partner"));
      expect(partner.indexOf("Workshop zonder partner")).toBeLessThan(partner.indexOf("Open dag"));
      // The coming tab reads soonest first; its date header turns that round, and a tab link drops a date direction.
      const coming = await (await web.get("/activities", { jar })).text();
      expect(coming).toMatch(/<th scope="col" aria-sort="ascending"><a[^>]*href="\/activities\?sort=date&amp;dir=desc"/);
      expect(coming.indexOf("Gastles lassen")).toBeLessThan(coming.indexOf("Workshop zonder partner"));
      expect(coming).not.toContain("Stage metaal");
      const comingByTitle = await (await web.get("/activities?sort=title", { jar })).text();
      expect(comingByTitle).toMatch(/href="\/activities\?sort=date&amp;dir=asc"/);
      const pastNewest = await (await web.get("/activities?when=past&sort=date&dir=asc", { jar })).text();
      expect(pastNewest.indexOf("Stage metaal")).toBeLessThan(pastNewest.indexOf("Bedrijfsbezoek Alfa"));
      expect(pastNewest).toMatch(/href="\/activities\?when=upcoming&amp;sort=date"/);
    });
  });
});
