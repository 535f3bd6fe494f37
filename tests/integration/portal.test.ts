import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeUserWithToken, TEST_PASSWORD } from "../support/factories";
import { makePortalWorld } from "../support/portal";

type World = Awaited<ReturnType<typeof makePortalWorld>>;
type Json = Record<string, unknown>;

describe("the partner portal", () => {
  let t: TestDatabase;
  let web: TestApp;
  let w: World;
  const partner = new CookieJar();
  const holder = new CookieJar();

  const api = (path: string, method = "GET", body?: unknown, token = w.partnerToken) =>
    web.request(`/api/v1${path}`, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (response: Response) => (await response.json()) as Json;
  // React separates adjacent text with empty comments; a reader sees one text.
  const text = async (response: Response) => (await response.text()).replace(/<!-- -->/g, "");
  const outbox = () => t.db.selectFrom("email_outbox").select(["to_address as to", "subject", "template", "text"]).orderBy("created_at").orderBy("id").execute();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: "2026-11-23T10:00:00Z" });
    w = await makePortalWorld(t.db);
    await web.postForm("/sign-in", { email: w.partner.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: partner });
    await web.postForm("/sign-in", { email: w.holder.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
  });
  afterAll(() => t.drop());

  describe("through the API", () => {
    it("lets the partner change its own address details with the version read; a stale version is a conflict", async () => {
      const saved = await api(`/organisations/${w.own.id}`, "PATCH", { version: 1, street: "Industrieweg 4", postalCode: "7550 AA", city: "Hengelo", website: "https://hulshof.example", sector: "Installatie" });
      expect(saved.status).toBe(200);
      expect(await json(saved)).toMatchObject({ name: "Hulshof Installatietechniek", city: "Hengelo", postalCode: "7550 AA", version: 2 });
      const stale = await api(`/organisations/${w.own.id}`, "PATCH", { version: 1, city: "Almelo" });
      expect(stale.status).toBe(409);
      expect((await t.db.selectFrom("organisations").select("city").where("id", "=", w.own.id).executeTakeFirstOrThrow()).city).toBe("Hengelo");
    });

    it("adds a colleague with their job at its own organisation, and ends a job handing it to a new name", async () => {
      const created = await api("/people", "POST", { name: "Bram Hulshof", email: "bram@hulshof.example", role: "Werkvoorbereider", organisationId: w.own.id });
      expect(created.status).toBe(201);
      const bram = await json(created);
      const job = await t.db.selectFrom("affiliations").selectAll().where("person_id", "=", String(bram.id)).executeTakeFirstOrThrow();
      expect(job).toMatchObject({ organisation_id: w.own.id, role: "Werkvoorbereider", start_date: "2026-11-23", end_date: null });

      const ended = await api(`/affiliations/${job.id}/end`, "POST", { endReason: "other_role", endDate: "2026-11-23", successorName: "Sanne de Vries" });
      expect(ended.status).toBe(200);
      expect(await json(ended)).toMatchObject({ endDate: "2026-11-23", endReason: "other_role" });
      const sanne = await t.db.selectFrom("people").innerJoin("affiliations", "affiliations.person_id", "people.id").select(["affiliations.organisation_id"]).where("people.name", "=", "Sanne de Vries").executeTakeFirstOrThrow();
      expect(sanne.organisation_id).toBe(w.own.id);

      // A former colleague can come back: a new job at the partner's own organisation.
      const back = await api(`/people/${bram.id}/affiliations`, "POST", { organisationId: w.own.id, role: "Projectleider" });
      expect(back.status).toBe(201);
    });

    it("offers a guest lesson: saved as offered with the partner's organisation, the account holder and the partner get an email in the outbox", async () => {
      const response = await api("/activities", "POST", {
        type: "guest_lesson", title: "Gastles warmtepompen", status: "offered", startDate: "2026-12-10",
        organisationIds: [w.own.id], schoolIds: [w.school.id], speakerPersonId: w.anouk.id, topic: "Warmtepompen", profiles: ["PIE"],
      });
      expect(response.status).toBe(201);
      const activity = await json(response);
      expect(activity).toMatchObject({ status: "offered", organisationIds: [w.own.id], schoolIds: [w.school.id], speakerPersonId: w.anouk.id });
      const emails = await outbox();
      const toHolder = emails.find((e) => e.to === w.holder.email);
      expect(toHolder).toMatchObject({ template: "partner_offer", subject: "Nieuw aanbod van Hulshof Installatietechniek: Gastles warmtepompen" });
      expect(toHolder?.text).toContain(`http://schakel.test/activities/${activity.id}`);
      expect(toHolder?.text).toContain("Paula Partner van Hulshof Installatietechniek biedt aan: Gastles");
      expect(emails.find((e) => e.to === w.partner.email)).toMatchObject({ template: "partner_offer_confirmation", subject: "Uw aanbod is ontvangen: Gastles warmtepompen" });
    });

    it("tells the partner user when the account holder plans its offer, or declines it by cancelling", async () => {
      const offer = async (title: string) =>
        json(await api("/activities", "POST", { type: "internship", title, status: "offered", startDate: "2027-02-01", endDate: "2027-04-30", placesOffered: 2, organisationIds: [w.own.id], profiles: ["PIE", "BWI"] }));
      const planned = await offer("Stage monteur");
      const declined = await offer("Stage werkvoorbereiding");
      expect((await api(`/activities/${planned.id}`, "PATCH", { version: 1, status: "planned" }, w.holderToken)).status).toBe(200);
      expect((await api(`/activities/${declined.id}`, "PATCH", { version: 1, status: "cancelled" }, w.holderToken)).status).toBe(200);
      const toPartner = (await outbox()).filter((e) => e.to === w.partner.email);
      expect(toPartner.find((e) => e.template === "partner_offer_planned")?.subject).toBe("Uw aanbod is ingepland: Stage monteur");
      expect(toPartner.find((e) => e.template === "partner_offer_declined")?.subject).toBe("Uw aanbod is afgewezen: Stage werkvoorbereiding");
      expect(toPartner.find((e) => e.template === "partner_offer_planned")?.text).toContain("http://schakel.test/portal");

      // An offer the staff made themselves tells no partner user anything.
      const before = (await outbox()).length;
      const staffOffer = await json(await api("/activities", "POST", { type: "internship", title: "Stage via school", status: "offered", startDate: "2027-02-01", organisationIds: [w.own.id] }, w.holderToken));
      await api(`/activities/${staffOffer.id}`, "PATCH", { version: 1, status: "planned" }, w.holderToken);
      expect((await outbox()).length).toBe(before);
    });

    it("withdraws its own offer while it is still offered: cancelled, and the account holder is told; once planned it stays", async () => {
      const offer = async (title: string) =>
        json(await api("/activities", "POST", { type: "internship", title, status: "offered", startDate: "2027-03-01", placesOffered: 1, organisationIds: [w.own.id] }));
      const open = await offer("Stage tekenaar");
      const stale = await api(`/activities/${open.id}/withdraw`, "POST", { version: 7 });
      expect(stale.status).toBe(409);
      const withdrawn = await api(`/activities/${open.id}/withdraw`, "POST", { version: 1 });
      expect(withdrawn.status).toBe(200);
      expect(await json(withdrawn)).toMatchObject({ status: "cancelled", version: 2 });
      const toHolder = (await outbox()).find((e) => e.template === "partner_offer_withdrawn");
      expect(toHolder).toMatchObject({ to: w.holder.email, subject: "Aanbod ingetrokken door Hulshof Installatietechniek: Stage tekenaar" });
      expect(toHolder?.text).toContain("Paula Partner van Hulshof Installatietechniek heeft het aanbod Stage");
      const audit = await t.db.selectFrom("audit_log").select(["action", "actor_id"]).where("entity_id", "=", String(open.id)).where("action", "=", "activity.withdraw").executeTakeFirst();
      expect(audit).toEqual({ action: "activity.withdraw", actor_id: w.partner.id });

      const plannedOffer = await offer("Stage lasser");
      await api(`/activities/${plannedOffer.id}`, "PATCH", { version: 1, status: "planned" }, w.holderToken);
      const late = await api(`/activities/${plannedOffer.id}/withdraw`, "POST", { version: 2 });
      expect(late.status).toBe(422);
      expect((await t.db.selectFrom("activities").select("status").where("id", "=", String(plannedOffer.id)).executeTakeFirstOrThrow()).status).toBe("planned");
    });

    it("cannot withdraw another organisation's offer (404), and staff cannot use the partner's withdraw (403)", async () => {
      const foreign = await json(await api("/activities", "POST", { type: "internship", title: "Stage Wessels", status: "offered", startDate: "2027-03-01", organisationIds: [w.foreign.id] }, w.holderToken));
      expect((await api(`/activities/${foreign.id}/withdraw`, "POST", { version: 1 })).status).toBe(404);
      expect((await api(`/activities/${foreign.id}/withdraw`, "POST", { version: 1 }, w.holderToken)).status).toBe(403);
      expect((await t.db.selectFrom("activities").select("status").where("id", "=", String(foreign.id)).executeTakeFirstOrThrow()).status).toBe("offered");
    });

    it("shows the partner's changes as the partner's in the organisation's history", async () => {
      const history = await json(await api(`/organisations/${w.own.id}/history`, "GET", undefined, w.holderToken));
      const update = (history.items as Array<{ action: string; actor: { name: string; isPartner: boolean } | null }>).find((e) => e.action === "organisation.update");
      expect(update?.actor).toMatchObject({ name: "Paula Partner", isPartner: true });
    });
  });

  describe("as pages", () => {
    it("sends the partner from / to the portal, with 'Mijn organisatie' in the navigation; staff keep the dashboard", async () => {
      const home = await web.get("/", { jar: partner });
      expect(home.status).toBe(302);
      expect(home.headers.get("location")).toBe("/portal");
      const page = await text(await web.get("/portal", { jar: partner }));
      expect(page).toContain("Mijn organisatie: Hulshof Installatietechniek");
      expect(page).toMatch(/<nav[\s\S]*href="\/portal"[^>]*>Mijn organisatie<\/a>[\s\S]*<\/nav>/);
      expect(page).not.toContain(">Overzicht</a>");
      expect(page).toContain("Anouk Jansen");
      expect(page).toContain("Gastles warmtepompen");
      expect((await web.get("/", { jar: holder })).status).toBe(200);
    });

    it("saves the address details, and says so when someone else changed them meanwhile", async () => {
      const { version } = await t.db.selectFrom("organisations").select("version").where("id", "=", w.own.id).executeTakeFirstOrThrow();
      const fields = { intent: "details", street: "Industrieweg 6", postalCode: "7550AB", city: "Hengelo", website: "", sector: "Installatietechniek" };
      const saved = await web.postForm("/portal", { ...fields, version: String(version) }, { jar: partner });
      expect(saved.status).toBe(200);
      expect(alertsOf(await saved.text())).toContain("De gegevens zijn opgeslagen.");
      const row = await t.db.selectFrom("organisations").select(["street", "website", "name", "version"]).where("id", "=", w.own.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ street: "Industrieweg 6", website: null, name: "Hulshof Installatietechniek", version: version + 1 });

      const stale = await web.postForm("/portal", { ...fields, city: "Almelo", version: String(version) }, { jar: partner });
      expect(stale.status).toBe(409);
      expect(alertsOf(await stale.text())).toContain("Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw en probeer het nog eens.");

      const bad = await web.postForm("/portal", { ...fields, postalCode: "12", version: String(version + 1) }, { jar: partner });
      expect(bad.status).toBe(400);
      expect(fieldErrorOf(await bad.text(), "postalCode")).toBeTruthy();
    });

    it("adds a colleague and records that one left with a colleague taking over; the organisation's timeline shows it came from the partner", async () => {
      const added = await web.postForm("/portal", { intent: "add-colleague", name: "Joris Klein", role: "Monteur", email: "joris@hulshof.example", phone: "06 1234 5678" }, { jar: partner });
      expect(alertsOf(await added.text())).toContain("De collega is toegevoegd.");
      const joris = await t.db.selectFrom("people").select("id").where("name", "=", "Joris Klein").executeTakeFirstOrThrow();

      const left = await web.postForm("/portal", { intent: "end-contact", affiliationId: w.anoukJob.id, endDate: "2026-11-22", endReason: "left_organisation", successorPersonId: joris.id }, { jar: partner });
      expect(alertsOf(await left.text())).toContain("Het vertrek is opgeslagen.");
      const primary = await t.db.selectFrom("affiliations").select("person_id").where("organisation_id", "=", w.own.id).where("is_primary", "=", true).where("end_date", "is", null).executeTakeFirstOrThrow();
      expect(primary.person_id).toBe(joris.id);

      const page = await (await web.get("/portal", { jar: partner })).text();
      expect(page).toMatch(/Eerdere contactpersonen[\s\S]*Anouk Jansen/);

      const staffPage = await text(await web.get(`/organisations/${w.own.id}`, { jar: holder }));
      expect(staffPage).toContain("Anouk Jansen is vertrokken (vertrokken bij de organisatie) door Paula Partner (partner)");
      expect(staffPage).toContain("Joris Klein begon als Monteur door Paula Partner (partner)");
      expect(staffPage).toContain("Paula Partner (partner)");
    });

    it("withdraws an offer from the portal page with a message; a planned one has no withdraw button", async () => {
      const sent = await web.postForm("/portal/offer", { type: "internship", title: "Stage koeltechniek", startDate: "2027-02-01", placesOffered: "1" }, { jar: partner });
      expect(sent.status).toBe(302);
      const activity = await t.db.selectFrom("activities").select(["id", "version"]).where("title", "=", "Stage koeltechniek").executeTakeFirstOrThrow();
      const page = await text(await web.get("/portal", { jar: partner }));
      expect(page).toContain(`name="activityId" value="${activity.id}"`);
      const withdrawn = await web.postForm("/portal", { intent: "withdraw", activityId: activity.id, version: String(activity.version) }, { jar: partner });
      expect(withdrawn.status).toBe(200);
      expect(alertsOf(await withdrawn.text())).toContain("Uw aanbod is ingetrokken.");
      const again = await web.postForm("/portal", { intent: "withdraw", activityId: activity.id, version: String(activity.version + 1) }, { jar: partner });
      expect(again.status).toBe(422);
      expect(alertsOf(await again.text()).join(" ")).toContain("Alleen een aanbod dat nog niet is ingepland, kunt u intrekken.");
      expect((await web.postForm("/portal", { intent: "withdraw", activityId: "00000000-0000-4000-8000-000000000000", version: "1" }, { jar: partner })).status).toBe(404);
    });

    it("offers internship places from the offer form: the partner's own organisation, status offered, and a message on the portal", async () => {
      const form = await (await web.get("/portal/offer", { jar: partner })).text();
      expect(form).toContain("Het Assink Lyceum vmbo");
      expect(form).not.toContain("Elders College");
      expect(form).not.toContain("Kees Wessels");
      const noTitle = await web.postForm("/portal/offer", { type: "internship", title: "", startDate: "2027-02-01" }, { jar: partner });
      expect(noTitle.status).toBe(400);
      expect(fieldErrorOf(await noTitle.text(), "title")).toBeTruthy();

      const sent = await web.postForm("/portal/offer", { type: "internship", title: "Stage elektro", startDate: "2027-02-01", endDate: "2027-06-30", placesOffered: "3", profiles: "PIE", topic: "genegeerd" }, { jar: partner });
      expect(sent.status).toBe(302);
      expect(sent.headers.get("location")).toBe("/portal?offered=1");
      const activity = await t.db.selectFrom("activities").select(["id", "status", "places_offered", "end_date", "created_by"]).where("title", "=", "Stage elektro").executeTakeFirstOrThrow();
      expect(activity).toMatchObject({ status: "offered", places_offered: 3, end_date: "2027-06-30", created_by: w.partner.id });
      const page = await (await web.get("/portal?offered=1", { jar: partner })).text();
      expect(alertsOf(page)).toContain("Uw aanbod is verstuurd. U krijgt een bevestiging per e-mail.");
      expect(page).toContain("Stage elektro");
      expect((await outbox()).some((e) => e.to === w.holder.email && e.subject === "Nieuw aanbod van Hulshof Installatietechniek: Stage elektro")).toBe(true);
    });
  });
  it("shows the partner its own co-financing pledges with what is realised, and none of another partner's", async () => {
    const { token } = await makeUserWithToken(t.db, { regionId: w.region.id, role: "penvoerder" });
    const pledge = (organisationId: string, amountCents: number) =>
      api("/commitments", "POST", { organisationId, schoolYear: "2026-2027", kind: "cash", category: "cash", amountCents }, token);
    const own = await json(await pledge(w.own.id, 250000));
    expect(own.amountCents).toBe(250000);
    expect((await pledge(w.foreign.id, 990000)).status).toBe(201);
    const page = await text(await web.get("/portal", { jar: partner }));
    expect(page).toContain("Onze cofinanciering");
    expect(page).toContain("2026-2027");
    expect(page).toMatch(/€\s2\.500,00/);
    expect(page).not.toMatch(/9\.900,00/);
  });
});
