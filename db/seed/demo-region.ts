import { randomUUID } from "node:crypto";
import { schoolYearStart } from "../../calendar/school-year";
import type { Insertable } from "kysely";
import type { ActivityType, DB, EndReason, InteractionKind, OrganisationKind, OrganisationStatus, Tier } from "../schema";
import { jsonb } from "../../server/db/json";
import {
  FAMILY_NAMES, FIRST_NAMES, LEARNING_PATHS, MBO_COLLEGES, NEXT_STEPS, OTHER_SURNAMES, PARTNERS, PRIMARY_SCHOOLS, REGIONAL_WORDS,
  ROLES, STREETS, SUMMARIES, SUMMARIES_WITHOUT_PERSON, TOWNS, TRADE_SCHOOLS, TRADES, VMBO_LOCATIONS, VMBO_PROFILES, type Trade,
} from "./demo-words";
import { seededRandom } from "./random";

/**
 * The generated part of the demo region: about 400 organisations, 1,200 people with their job
 * changes, 5,000 contact moments with follow-up tasks and the ownership history, over three
 * school years up to "today". Pure: it builds rows in memory from a seed and the clock's day, so
 * the same seed and day give the same data (only the uuids differ), and loading is a handful of
 * multi-row inserts.
 *
 * The relationship-health stories are planted on purpose (see `Scenario`); everything else is kept
 * quiet on purpose: outside the "contact left" story every job ends before the organisation's last
 * contact moment, so exactly those twelve show a contact who left without contact since.
 */
export const DEMO_SEED = 20230801;

const DAY_MS = 86_400_000;
export const dayOf = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
export const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Default contact cadence per tier (DESIGN.md, relationship health). */
const CADENCE: Record<Tier, number> = { strategic: 60, regular: 120, occasional: 240 };

/** The first day of the history: 1 August three school years before the current one. */
export function historyStart(today: string) {
  return schoolYearStart(today, -3);
}

/**
 * "Last spring": March to May of this calendar year once enough of it has passed, otherwise of the
 * year before, clipped to the last eleven months so a leaver there still counts as recent.
 */
export function lastSpring(today: string): { from: string; to: string } {
  const t = dayOf(today);
  const year = Number(today.slice(0, 4));
  const thisFrom = dayOf(`${year}-03-01`);
  const thisTo = Math.min(dayOf(`${year}-05-31`), t - 14);
  if (thisTo - thisFrom >= 21) return { from: dateOf(thisFrom), to: dateOf(thisTo) };
  return { from: dateOf(Math.max(dayOf(`${year - 1}-03-01`), t - 330)), to: `${year - 1}-05-31` };
}

export type DemoUsers = {
  admin: string;
  penvoerder: string;
  /** Active account holders who own most partners, the first one the longest-serving. */
  holders: string[];
  /** Joined recently and took over organisations; has not contacted some of them yet. */
  newcomer: { id: string; joinedDay: number };
  /** Left the school: deactivated, still owning twelve organisations nobody took over. */
  departed: { id: string; deactivatedDay: number };
};

/** An organisation created through the services (the hand-written eleven), with its contacts. */
export type NamedOrganisation = {
  id: string;
  name: string;
  kind: OrganisationKind;
  tier: Tier;
  city: string;
  holderId: string | null;
  createdDay: number;
  contacts: Array<{ personId: string; name: string; startDay: number; isPrimary: boolean }>;
};

export type DemoContext = {
  today: string;
  regionId: string;
  subregionIds: string[];
  users: DemoUsers;
  named: NamedOrganisation[];
  takenKvk: string[];
  takenBrin: string[];
  takenPersonNames: string[];
  seed?: number;
  /** uuids; tests pass a counter to compare two builds. */
  newId?: () => string;
};

export type DemoRows = {
  organisations: Array<Insertable<DB["organisations"]>>;
  people: Array<Insertable<DB["people"]>>;
  affiliations: Array<Insertable<DB["affiliations"]>>;
  accountHolderPeriods: Array<Insertable<DB["account_holder_periods"]>>;
  interactions: Array<Insertable<DB["interactions"]>>;
  interactionPeople: Array<Insertable<DB["interaction_people"]>>;
  tasks: Array<Insertable<DB["tasks"]>>;
  activities: Array<Insertable<DB["activities"]>>;
  activityOrganisations: Array<Insertable<DB["activity_organisations"]>>;
};

/**
 * healthy: recent contact, several contacts; normal: contact within the cadence;
 * contactLeft: a contact left last spring, nothing since; departedHolder: owned by the user who left;
 * quiet / cold: last contact beyond the cadence / beyond twice it; newOwner: taken over more than
 * 30 days ago, no contact since; prospect: a new lead.
 */
type Scenario = "healthy" | "normal" | "contactLeft" | "departedHolder" | "quiet" | "cold" | "newOwner" | "prospect";

type Period = { userId: string; from: number; to: number | null };
type Affiliation = { id: string; personId: string; orgId: string; role: string; isPrimary: boolean; start: number; end: number | null; reason: EndReason | null };
type Person = { id: string; name: string; first: string; surname: string; email: string | null; phone: string | null; createdDay: number };
type Org = {
  id: string;
  kind: OrganisationKind;
  name: string;
  tier: Tier;
  status: OrganisationStatus;
  domain: string;
  city: string;
  createdDay: number;
  scenario: Scenario;
  /** The day of the last contact moment. */
  last: number;
  /** contactLeft: the day the contact left. */
  leaveDay?: number;
  periods: Period[];
  row?: Insertable<DB["organisations"]>;
  named?: NamedOrganisation;
  affiliations: Affiliation[];
};

const LETTERS = "ABCDEGHJKLMNPRSTVWXZ";

export function slug(text: string) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ı/g, "i").toLowerCase().replace(/&/g, "en").replace(/[^a-z0-9]+/g, "");
}

export function buildDemoRegion(context: DemoContext): DemoRows {
  const rng = seededRandom(context.seed ?? DEMO_SEED);
  const newId = context.newId ?? randomUUID;
  const chance = (p: number) => rng.next() < p;
  const weighted = <T>(items: ReadonlyArray<readonly [T, number]>): T => {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = rng.next() * total;
    for (const [item, weight] of items) {
      roll -= weight;
      if (roll < 0) return item;
    }
    return items[items.length - 1]![0];
  };
  const shuffle = <T>(items: T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  };

  const t = dayOf(context.today);
  const start = dayOf(historyStart(context.today));
  const spring = lastSpring(context.today);
  const { users } = context;
  const regionId = context.regionId;
  // Contact moments happen on weekdays: a weekend day moves back to the Friday.
  const weekday = (day: number) => {
    const dow = (((day + 4) % 7) + 7) % 7;
    return dow === 6 ? day - 1 : dow === 0 ? day - 2 : day;
  };
  const at = (day: number, hour = 9) => new Date(day * DAY_MS + (hour - 1) * 3_600_000 + rng.int(0, 59) * 60_000);

  const takenNames = new Set(context.named.map((o) => o.name.toLowerCase()));
  const takenKvk = new Set(context.takenKvk);
  const takenBrin = new Set(context.takenBrin);
  const takenPeople = new Set(context.takenPersonNames);

  const townOf = (city: string) => TOWNS.find((town) => town.city === city) ?? TOWNS[0];
  const pickTown = () => weighted(TOWNS.map((town) => [town, town.weight] as const));
  const address = (city: string) => {
    const town = townOf(city);
    return {
      street: `${rng.pick(STREETS)} ${rng.int(1, 180)}`,
      postal_code: `${rng.int(town.postal[0], town.postal[1])} ${rng.pick([...LETTERS])}${rng.pick([...LETTERS])}`,
      subregion_id: context.subregionIds[town.subregion] ?? null,
    };
  };
  const kvk = () => {
    for (;;) {
      const value = `${rng.pick(["06", "08", "50", "60", "64", "70", "81"])}${String(rng.int(0, 999_999)).padStart(6, "0")}`;
      if (!takenKvk.has(value)) return takenKvk.add(value), value;
    }
  };
  const brin = (location: boolean) => {
    for (;;) {
      const value = `${rng.int(10, 31)}${rng.pick([...LETTERS])}${rng.pick([...LETTERS])}${location ? String(rng.int(0, 4)).padStart(2, "0") : ""}`;
      if (!takenBrin.has(value)) return takenBrin.add(value), value;
    }
  };
  const claimName = (name: string) => {
    if (takenNames.has(name.toLowerCase())) return false;
    takenNames.add(name.toLowerCase());
    return true;
  };

  // ---- Organisations ---------------------------------------------------------------------------
  const orgs: Org[] = [];
  const blank = (kind: OrganisationKind, name: string, city: string, tier: Tier, status: OrganisationStatus = "active"): Org => ({
    id: newId(), kind, name, tier, status, domain: `${slug(name)}.nl`, city, createdDay: start - rng.int(0, 400),
    scenario: "normal", last: t, periods: [], affiliations: [],
  });
  const addRow = (org: Org, extra: Partial<Insertable<DB["organisations"]>>) => {
    org.row = {
      id: org.id, region_id: regionId, kind: org.kind, name: org.name, city: org.city, tier: org.tier, status: org.status,
      website: `https://www.${org.domain}`, tags: [], ...address(org.city), ...extra,
    };
    orgs.push(org);
  };
  const tierOf = (weights: [number, number, number]) => weighted<Tier>([["strategic", weights[0]], ["regular", weights[1]], ["occasional", weights[2]]]);

  const COMPANIES = 344;
  while (orgs.filter((o) => o.kind === "company").length < COMPANIES) {
    const trade: Trade = rng.pick(TRADES);
    const family = rng.pick(FAMILY_NAMES);
    const town = pickTown();
    const form = rng.next();
    const name =
      form < 0.4 ? `${family} ${trade.suffix}`
      : form < 0.7 ? `${trade.prefix} ${family}`
      : form < 0.8 ? `${family} & ${rng.pick(FAMILY_NAMES.filter((other) => other !== family))} ${trade.suffix}`
      : form < 0.9 ? `${rng.pick(REGIONAL_WORDS)} ${trade.suffix}`
      : `${trade.prefix} ${family} ${town.city}`;
    if (!claimName(name)) continue;
    const status = weighted<OrganisationStatus>([["active", 92], ["prospect", 5], ["paused", 3]]);
    const org = blank("company", name, town.city, tierOf([13, 46, 41]), status);
    if (status === "prospect") {
      org.createdDay = t - rng.int(20, 200);
      org.tier = "occasional";
    } else if (chance(0.2)) {
      org.createdDay = rng.int(start, t - 150);
    }
    const recognised = chance(0.6);
    const tags = [trade.tag];
    if (recognised) tags.push("erkend leerbedrijf");
    if (chance(0.3)) tags.push("stageplaatsen");
    if (chance(0.2)) tags.push("gastlessen");
    if (chance(0.12)) tags.push("bbl");
    addRow(org, {
      kvk_number: kvk(), sector: trade.sector, tags, sbb_recognised: recognised,
      crebo_numbers: recognised ? [...new Set([rng.pick(trade.crebo), rng.pick(trade.crebo)])] : [],
    });
  }
  for (const [name, city, tag] of TRADE_SCHOOLS) {
    if (!claimName(name)) continue;
    addRow(blank("trade_school", name, city, tierOf([40, 50, 10])), { tags: ["bedrijfsvakschool", tag], sector: "Opleiding", sbb_recognised: true });
  }
  for (const [name, city] of MBO_COLLEGES) {
    if (!claimName(name)) continue;
    addRow(blank("mbo", name, city, "strategic"), { brin_code: brin(false), tags: ["mbo"], sector: "Onderwijs" });
  }
  for (const [name, city] of VMBO_LOCATIONS) {
    if (!claimName(name)) continue;
    const profiles = shuffle(VMBO_PROFILES).slice(0, rng.int(2, 4)).sort();
    addRow(blank("vmbo", name, city, tierOf([60, 40, 0])), {
      brin_code: brin(true), tags: ["vmbo"], sector: "Onderwijs", vmbo_profiles: profiles, learning_paths: LEARNING_PATHS.slice(0, rng.int(2, 4)),
    });
  }
  for (const [name, city] of PRIMARY_SCHOOLS) {
    if (!claimName(name)) continue;
    addRow(blank("primary", name, city, "occasional"), { brin_code: brin(true), tags: ["basisschool", "technolab"], sector: "Onderwijs" });
  }
  for (const [name, city, tag] of PARTNERS) {
    if (!claimName(name)) continue;
    addRow(blank("partner", name, city, tierOf([25, 60, 15])), { tags: [tag], sector: tag === "gemeente" ? "Overheid" : "Netwerk" });
  }

  // The hand-written organisations join the same history (their rows exist already).
  for (const named of context.named) {
    orgs.push({
      id: named.id, kind: named.kind, name: named.name, tier: named.tier, status: "active", domain: `${slug(named.name)}.nl`, city: named.city,
      createdDay: named.createdDay, scenario: "healthy", last: t, periods: named.holderId ? [{ userId: named.holderId, from: named.createdDay, to: null }] : [],
      named, affiliations: [],
    });
  }

  // ---- Scenarios and ownership -----------------------------------------------------------------
  const generated = orgs.filter((o) => !o.named);
  for (const org of generated) {
    if (org.status === "prospect") org.scenario = "prospect";
    else org.scenario = org.tier === "strategic" ? "healthy" : "normal";
  }
  const pool = shuffle(generated.filter((o) => o.status === "active" && (o.kind === "company" || o.kind === "trade_school")));
  const take = (count: number, scenario: Scenario, accept: (org: Org) => boolean = () => true) => {
    const chosen = pool.filter((org) => (org.scenario === "normal" || org.scenario === "healthy") && accept(org)).slice(0, count);
    for (const org of chosen) org.scenario = scenario;
    return chosen;
  };
  const departedOrgs = take(12, "departedHolder");
  const contactLeftOrgs = take(12, "contactLeft", (org) => org.tier !== "occasional");
  const newOwnerOrgs = take(8, "newOwner");
  take(24, "quiet");
  take(14, "cold");
  for (const org of [...departedOrgs, ...contactLeftOrgs, ...newOwnerOrgs]) org.createdDay = Math.min(org.createdDay, start - rng.int(0, 300));
  for (const org of generated) if (org.scenario === "quiet" || org.scenario === "cold") org.createdDay = Math.min(org.createdDay, start - rng.int(0, 300));

  const pickHolder = (except?: string) => {
    const candidates = users.holders.filter((id) => id !== except);
    // The longest-serving holder carries the most relationships.
    return rng.next() < 0.1 ? candidates[0]! : rng.pick(candidates);
  };
  const springFrom = dayOf(spring.from);
  const springTo = dayOf(spring.to);
  for (const org of generated) {
    const cadence = CADENCE[org.tier];
    const created = org.createdDay;
    switch (org.scenario) {
      case "healthy": org.last = t - rng.int(1, Math.min(25, Math.round(cadence * 0.4))); break;
      case "normal": org.last = t - rng.int(0, Math.round(cadence * 0.5)); break;
      case "prospect": org.last = t - rng.int(0, 60); break;
      case "quiet": org.last = t - (Math.round(cadence * 1.45) + 15 + rng.int(0, Math.round(cadence * 0.2))); break;
      case "cold": org.last = t - (Math.round(cadence * 2.5) + 60 + rng.int(0, Math.round(cadence * 0.5))); break;
      case "departedHolder": org.last = users.departed.deactivatedDay - rng.int(5, 90); break;
      case "newOwner": break;
      case "contactLeft":
        org.leaveDay = rng.int(springFrom, springTo);
        org.last = org.leaveDay - rng.int(7, 60);
        break;
    }
    if (org.scenario === "departedHolder") {
      org.periods = [{ userId: users.departed.id, from: created, to: null }];
    } else if (org.kind === "partner" || org.kind === "primary" || org.kind === "mbo") {
      org.periods = [{ userId: users.penvoerder, from: created, to: null }];
    } else if (org.scenario === "newOwner") {
      const change = t - rng.int(35, 95);
      const previous = pickHolder();
      org.periods = [{ userId: previous, from: created, to: change }, { userId: users.newcomer.id, from: change, to: null }];
      org.last = change - rng.int(5, 45);
    } else {
      org.periods = [{ userId: pickHolder(), from: created, to: null }];
    }
    org.last = weekday(Math.max(org.last, org.createdDay + 3));
  }
  // The newcomer took over a share of the steady relationships too, and has been in touch since.
  for (const org of shuffle(generated.filter((o) => o.scenario === "normal" && o.kind === "company")).slice(0, 17)) {
    const change = Math.max(users.newcomer.joinedDay + 3, t - rng.int(40, 100));
    org.periods = [{ userId: org.periods[0]!.userId, from: org.createdDay, to: change }, { userId: users.newcomer.id, from: change, to: null }];
    org.last = weekday(Math.max(org.last, change + rng.int(3, 20)));
  }
  // Older handovers between colleagues, with contact since, so ownership history has some depth.
  for (const org of generated) {
    if (org.periods.length !== 1 || org.scenario === "departedHolder" || org.kind === "partner" || org.kind === "primary" || org.kind === "mbo") continue;
    const from = Math.max(start, org.createdDay) + 60;
    if (!chance(0.2) || org.last - 30 <= from) continue;
    const change = rng.int(from, org.last - 30);
    const current = org.periods[0]!.userId;
    org.periods = [{ userId: pickHolder(current), from: org.createdDay, to: change }, { userId: current, from: change, to: null }];
  }
  for (const org of orgs.filter((o) => o.named)) {
    org.last = weekday(t - rng.int(1, org.tier === "strategic" ? 20 : 45));
  }

  // ---- People and their jobs -------------------------------------------------------------------
  const people: Person[] = [];
  const newPerson = (org: Org, startDay: number): Person => {
    for (;;) {
      const first = rng.pick(FIRST_NAMES);
      const surname = chance(0.6) ? rng.pick(FAMILY_NAMES) : rng.pick(OTHER_SURNAMES);
      const name = `${first} ${surname}`;
      if (takenPeople.has(name)) continue;
      takenPeople.add(name);
      const person: Person = {
        id: newId(), name, first, surname,
        email: chance(0.85) ? `${slug(first)}.${slug(surname)}@${org.domain}` : null,
        phone: chance(0.6) ? (chance(0.7) ? `06-${rng.int(10_000_000, 99_999_999)}` : `0${rng.pick(["53", "74", "546", "541", "548"])}-${rng.int(100_000, 999_999)}`) : null,
        createdDay: Math.max(startDay, org.createdDay, start - 400),
      };
      people.push(person);
      return person;
    }
  };
  const roleFor = (org: Org, lead: boolean) => {
    if (lead && org.kind === "company") return rng.pick(["Directeur", "Eigenaar", "Bedrijfsleider", "Opleidingscoördinator"]);
    return rng.pick(ROLES[org.kind] ?? ROLES.company!);
  };
  const affiliate = (org: Org, person: Person, from: number, isPrimary: boolean, role = roleFor(org, isPrimary)) => {
    const affiliation: Affiliation = { id: newId(), personId: person.id, orgId: org.id, role, isPrimary, start: from, end: null, reason: null };
    org.affiliations.push(affiliation);
    return affiliation;
  };
  const endReason = () => weighted<EndReason>([["left_organisation", 60], ["retired", 15], ["other_role", 20], ["other", 5]]);
  const moves: Array<{ person: Person; day: number; from: Org }> = [];
  const teamSize = (org: Org) => {
    if (org.scenario === "prospect") return rng.int(0, 1);
    switch (org.kind) {
      case "company": return org.tier === "strategic" ? rng.int(3, 6) : org.tier === "regular" ? rng.int(1, 4) : rng.int(1, 2);
      case "vmbo": case "mbo": return rng.int(3, 6);
      case "trade_school": return rng.int(2, 4);
      case "primary": return rng.int(1, 2);
      case "partner": return rng.int(1, 3);
    }
  };
  const earlyStart = () => start - rng.int(60, 4000);

  for (const org of orgs) {
    const firstDay = Math.max(start, org.createdDay);
    if (org.named) {
      for (const contact of org.named.contacts) {
        org.affiliations.push({ id: "", personId: contact.personId, orgId: org.id, role: "", isPrimary: contact.isPrimary, start: contact.startDay, end: null, reason: null });
      }
      // Pius X has no contact person on purpose; the others get a colleague or two.
      if (org.named.contacts.length === 0) continue;
      const extra = org.tier === "strategic" ? rng.int(1, 3) : rng.int(0, 1);
      for (let i = 0; i < extra; i++) {
        const from = earlyStart();
        affiliate(org, newPerson(org, from), from, false);
      }
      continue;
    }
    if (org.scenario === "contactLeft") {
      const variant = contactLeftOrgs.indexOf(org);
      const leaveDay = org.leaveDay!;
      // 0-3: the only contact left; 4-7: the primary left, the others stayed; 8-11: a colleague left.
      const size = variant < 4 ? 1 : variant < 8 ? rng.int(2, 4) : rng.int(3, 5);
      for (let slot = 0; slot < size; slot++) {
        const from = earlyStart();
        const person = newPerson(org, from);
        const affiliation = affiliate(org, person, from, slot === 0);
        const leaves = variant < 8 ? slot === 0 : slot === 1;
        if (!leaves) continue;
        affiliation.end = leaveDay;
        affiliation.reason = variant === 1 ? "retired" : variant === 9 ? "other_role" : "left_organisation";
        if (variant % 4 === 0) moves.push({ person, day: leaveDay, from: org });
      }
      continue;
    }
    const size = teamSize(org);
    for (let slot = 0; slot < size; slot++) {
      const from = chance(0.85) || org.last - 10 <= firstDay ? Math.min(earlyStart(), org.createdDay) : rng.int(firstDay, org.last - 10);
      const person = newPerson(org, from);
      const affiliation = affiliate(org, person, from, slot === 0);
      // Job changes: the job ends before the organisation's last contact moment, so the
      // relationship carried on after it (only the "contact left" story breaks that rule).
      const endFrom = Math.max(from + 60, start + 20);
      const endTo = org.last - 1;
      if (!chance(0.28) || endTo <= endFrom) continue;
      const leaveDay = rng.int(endFrom, endTo);
      const reason = endReason();
      affiliation.end = leaveDay;
      affiliation.reason = reason;
      if (reason === "other_role" && chance(0.5)) {
        // Promoted or moved within the organisation: a new job there from the same day.
        affiliate(org, person, leaveDay, affiliation.isPrimary, roleFor(org, false));
        continue;
      }
      if (reason === "left_organisation" && chance(0.45)) moves.push({ person, day: leaveDay, from: org });
      const successorStart = leaveDay + rng.int(0, 60);
      if (chance(0.75) && successorStart <= org.last) {
        affiliate(org, newPerson(org, successorStart), successorStart, affiliation.isPrimary);
      }
    }
    // Someone takes over as primary contact when the primary left without a successor.
    const active = org.affiliations.filter((a) => a.end === null);
    if (active.length && !active.some((a) => a.isPrimary)) active.sort((a, b) => a.start - b.start)[0]!.isPrimary = true;
  }

  // Contacts who moved to another organisation in the region: their old job ended, a new one started.
  const receivers = orgs.filter((o) => !o.named && (o.scenario === "normal" || o.scenario === "healthy") && o.status === "active");
  for (const move of moves) {
    const candidates = receivers.filter((o) => o !== move.from && o.last >= move.day + 5);
    if (!candidates.length) continue;
    const target = rng.pick(candidates);
    const from = move.day + rng.int(0, Math.min(45, target.last - move.day));
    affiliate(target, move.person, from, false);
    if (move.person.email) move.person.email = `${slug(move.person.first)}.${slug(move.person.surname)}@${target.domain}`;
  }

  // ---- Contact moments and follow-ups ----------------------------------------------------------
  const rows: DemoRows = { organisations: [], people: [], affiliations: [], accountHolderPeriods: [], interactions: [], interactionPeople: [], tasks: [], activities: [], activityOrganisations: [] };
  const nameById = new Map([...people.map((p) => [p.id, p.name] as const), ...context.named.flatMap((o) => o.contacts.map((c) => [c.personId, c.name] as const))]);
  const BASE: Record<Tier, number> = { strategic: 33, regular: 14, occasional: 6 };
  const KIND_FACTOR: Record<OrganisationKind, number> = { company: 1, trade_school: 1, mbo: 1.4, vmbo: 1.4, primary: 0.6, partner: 0.8 };
  const span = t - start;
  const ownerOn = (org: Org, day: number) => {
    const period = org.periods.find((p) => p.from <= day && (p.to === null || day < p.to)) ?? org.periods[0];
    return period?.userId ?? users.penvoerder;
  };
  for (const org of orgs) {
    const firstDay = Math.min(Math.max(start, org.createdDay), org.last);
    const count = org.scenario === "prospect"
      ? rng.int(1, 3)
      : Math.max(1, Math.round(BASE[org.tier] * KIND_FACTOR[org.kind] * ((org.last - firstDay) / span) * (0.7 + rng.next() * 0.6)));
    const days = [org.last];
    for (let i = 1; i < count; i++) days.push(Math.max(firstDay, weekday(rng.int(firstDay, org.last))));
    days.sort((a, b) => a - b);
    for (const day of days) {
      const owner = ownerOn(org, day);
      const byColleague = chance(0.08);
      const userId = byColleague ? rng.pick([users.penvoerder, users.admin]) : owner;
      const kind = byColleague && chance(0.5) ? "event" : weighted<InteractionKind>([["email", 30], ["call", 25], ["meeting", 20], ["visit", 15], ["event", 10]]);
      // On the day of a change of role a person holds both jobs; name them once.
      const present = org.affiliations.filter((a, index, all) => a.start <= day && (a.end === null || a.end >= day) && all.findIndex((b) => b.personId === a.personId && b.start <= day && (b.end === null || b.end >= day)) === index);
      const wanted = weighted([[0, 10], [1, 60], [2, 25], [3, 5]] as const);
      // The primary contact is usually the one spoken to.
      const shuffled = shuffle(present);
      const primary = shuffled.findIndex((a) => a.isPrimary);
      if (primary > 0 && chance(0.6)) shuffled.unshift(...shuffled.splice(primary, 1));
      const involved = shuffled.slice(0, wanted);
      const lead = involved[0] ? (nameById.get(involved[0].personId) ?? null) : null;
      const template = lead ? rng.pick(SUMMARIES[kind]) : rng.pick(SUMMARIES_WITHOUT_PERSON);
      const summary = template
        .replace("{person}", lead ?? "")
        .replace("{org}", org.name)
        .replace("{city}", org.city)
        .replace("{profile}", rng.pick(["PIE", "BWI", "M&T", "MVI"]))
        .replace("{n}", String(rng.int(2, 16)));
      const nextStep = chance(0.22) ? rng.pick(NEXT_STEPS) : null;
      const id = newId();
      const createdAt = at(day, rng.int(9, 17));
      rows.interactions.push({ id, region_id: regionId, organisation_id: org.id, kind, date: dateOf(day), user_id: userId, summary, next_step: nextStep, created_at: createdAt });
      for (const affiliation of involved) rows.interactionPeople.push({ interaction_id: id, person_id: affiliation.personId });
      if (!nextStep) continue;
      const due = day + rng.int(5, 28);
      const departed = userId === users.departed.id;
      // Recent follow-ups are mostly still open, a few of them overdue; an old one rarely is.
      const open = !departed && (due >= t ? chance(0.85) : due >= t - 14 ? chance(0.5) : day >= t - 45 ? chance(0.15) : chance(0.012));
      rows.tasks.push({
        id: newId(), region_id: regionId, organisation_id: org.id, assignee_id: userId, title: nextStep, due_date: dateOf(due), status: open ? "open" : "done",
        source: "manual", interaction_id: id, created_by: userId, created_at: createdAt,
        completed_at: open ? null : at(Math.min(due - rng.int(0, 4), departed ? users.departed.deactivatedDay : t, t), 16),
      });
    }
  }

  // ---- Activities --------------------------------------------------------------------------------
  // What the partnership produced over three school years: internships, guest lessons, visits,
  // workshops, Technolab sessions. Only relationships that are well (healthy, normal) take part, and
  // each of them in every school year, so the health stories above stay exactly as planted: a done
  // activity counts as contact but is never later than either side's last contact moment, and a
  // partner active last year has something this year too (done already, or planned ahead).
  const well = (o: Org) => (o.scenario === "healthy" || o.scenario === "normal") && o.status === "active";
  const schools = orgs.filter((o) => well(o) && (o.kind === "vmbo" || o.kind === "primary"));
  const vmboSchools = schools.filter((o) => o.kind === "vmbo");
  const primarySchools = schools.filter((o) => o.kind === "primary");
  const profiles = ["PIE", "BWI", "M&T", "MVI", "E&O", "D&P", "HBR"] as const;
  const thisYearStart = dayOf(schoolYearStart(context.today));
  const years = [thisYearStart - 730, thisYearStart - 365, thisYearStart].map((from) => ({ from, to: from + 364 }));
  const typesFor = (kind: OrganisationKind): Array<readonly [ActivityType, number]> =>
    kind === "company" ? [["internship", 35], ["guest_lesson", 30], ["company_visit", 25], ["workshop", 10]]
      : kind === "trade_school" ? [["workshop", 40], ["training", 30], ["teacher_placement", 30]]
        : kind === "partner" ? [["technolab", 50], ["event", 50]]
          : kind === "mbo" ? [["workshop", 50], ["event", 50]] : [];
  const TITLES: Record<ActivityType, string[]> = {
    internship: ["Snuffelstage installatietechniek", "Beroepspraktijkvorming BB", "Stage werkplaats", "Stageplaatsen voorjaar"],
    guest_lesson: ["Gastles zonnepanelen", "Gastles veilig werken", "Gastles lassen", "Gastles duurzaam bouwen"],
    company_visit: ["Bedrijfsbezoek werkplaats", "Rondleiding productiehal", "Bezoek bouwplaats"],
    workshop: ["Workshop elektrotechniek", "Workshop metselen", "Workshop 3D-printen"],
    event: ["Techniekdag", "Open dag techniek", "Beroepenmarkt"],
    elective: ["Keuzevak domotica"], teacher_placement: ["Docentstage installatietechniek", "Docentstage bouw"],
    training: ["Scholing warmtepompen voor docenten", "Scholing robotica"], technolab: ["Technolab-les groep 7", "Technolab-les groep 8"],
  };
  for (const org of orgs.filter((o) => well(o) && typesFor(o.kind).length > 0)) {
    const perYear = org.tier === "strategic" ? rng.int(2, 4) : org.tier === "regular" ? rng.int(1, 2) : chance(0.5) ? 1 : 0;
    if (perYear === 0) continue;
    const staff = org.affiliations.filter((a) => a.end === null);
    for (const year of years) {
      for (let i = 0; i < perYear; i++) {
        const type = weighted(typesFor(org.kind));
        const school = rng.pick(type === "technolab" ? (primarySchools.length ? primarySchools : vmboSchools) : vmboSchools);
        if (!school) continue;
        // Done when it lies before both sides' last contact; otherwise planned, after today.
        const latestDone = Math.min(org.last, school.last, t - 1);
        let day = weekday(rng.int(year.from + 20, year.to - 20));
        let status: "done" | "planned" = day <= latestDone ? "done" : "planned";
        if (status === "planned" && day <= t) {
          if (year.from !== thisYearStart) continue;
          day = weekday(Math.min(year.to - 10, t + rng.int(14, 150)));
          if (day <= t) continue;
        }
        if (status === "done" && day < start) continue;
        const long = type === "internship" || type === "teacher_placement";
        const end = long ? Math.min(day + rng.int(5, 20) * 7, status === "done" ? latestDone : year.to) : day;
        if (status === "done" && end > latestDone) status = "planned";
        if (status === "planned" && day <= t) continue;
        const speaker = type === "guest_lesson" || type === "internship" ? (staff[0] ? rng.pick(staff) : null) : null;
        const offered = type === "internship" ? rng.int(1, 4) : null;
        const id = newId();
        rows.activities.push({
          id, region_id: regionId, type, title: rng.pick(TITLES[type]), description: null,
          start_date: dateOf(day), end_date: dateOf(end),
          start_time: type === "guest_lesson" || type === "technolab" ? rng.pick(["08:30", "10:30", "13:00"]) : null,
          status, profiles: [rng.pick(profiles)], learning_paths: [rng.pick(["BB", "KB", "GL"])],
          hours: type === "guest_lesson" ? 2 : type === "company_visit" ? 3 : null,
          pupils_reached: status === "done" ? rng.int(12, 60) : null,
          teachers_involved: status === "done" ? rng.int(1, 4) : null,
          places_offered: offered, places_filled: offered === null ? null : status === "done" ? rng.int(0, offered) : null,
          person_id: speaker?.personId ?? null,
          details: jsonb(type === "guest_lesson" ? { className: `${rng.int(2, 4)}${rng.pick(["A", "B", "C"])}`, topic: rng.pick(["Zonnepanelen", "Veiligheid", "Duurzaamheid"]) } : {}),
          created_by: org.periods[org.periods.length - 1]?.userId ?? users.admin, created_at: at(Math.min(day - 20, t), 10), updated_at: at(Math.min(day, t), 10),
        });
        rows.activityOrganisations.push({ activity_id: id, organisation_id: org.id, role: "partner" }, { activity_id: id, organisation_id: school.id, role: "school" });
      }
    }
  }

  // ---- Rows ------------------------------------------------------------------------------------
  for (const org of orgs) {
    if (org.row) {
      const holder = org.periods[org.periods.length - 1]?.userId ?? null;
      rows.organisations.push({ ...org.row, account_holder_id: holder, created_at: at(org.createdDay), updated_at: at(Math.max(org.createdDay, org.last)) });
      for (const period of org.periods) {
        rows.accountHolderPeriods.push({
          region_id: regionId, organisation_id: org.id, user_id: period.userId, started_at: at(period.from, 8),
          ended_at: period.to === null ? null : at(period.to, 8), assigned_by: users.admin,
        });
      }
    }
    for (const affiliation of org.affiliations) {
      if (!affiliation.id) continue;
      rows.affiliations.push({
        id: affiliation.id, region_id: regionId, person_id: affiliation.personId, organisation_id: org.id, role: affiliation.role,
        is_primary: affiliation.isPrimary, start_date: dateOf(affiliation.start), end_date: affiliation.end === null ? null : dateOf(affiliation.end),
        end_reason: affiliation.reason, created_at: at(Math.max(affiliation.start, start - 400)),
        ended_at: affiliation.end === null ? null : at(affiliation.end, 17),
      });
    }
  }
  for (const person of people) {
    rows.people.push({
      id: person.id, region_id: regionId, name: person.name, email: person.email, phone: person.phone, lawful_basis: "legitimate_interest",
      source: "demo", opt_out: false, created_at: at(person.createdDay), updated_at: at(person.createdDay),
    });
  }
  return rows;
}
