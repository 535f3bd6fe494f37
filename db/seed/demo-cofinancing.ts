import { randomUUID } from "node:crypto";
import { schoolYearRange, schoolYearStart } from "../../calendar/school-year";
import type { Insertable } from "kysely";
import type { CommitmentCategory, CommitmentStatus, DB, Valuation } from "../schema";
import type { Database } from "../../server/db/database";
import { seededRandom } from "./random";

/**
 * Co-financing in the demo region (issue 6, item 10): for the current school year and the two
 * before it, the region's budget and target, about forty commitments from a believable set of STO
 * Twente partners (cash and in kind, hours × rate among them, pledged, agreed, realised, accounted
 * and lapsed) and their realisations dated through the years. Fixed seed, bulk inserted.
 *
 * The stories, whatever day the clock says (docs/decisions/057-demo-cofinancing-stories.md):
 * - two years ago: behind: the year ended with 82% of its target realised;
 * - last year: on track: it ended at 106% of its target;
 * - this year: behind at the pace so far: realised up to today is 84% of the target scaled to
 *   the days elapsed, so the page's forecast reads about "8,4% op 31 juli" with a 10% target.
 * Budgets are derived from what was pledged (pledges a little above the target, as regions plan),
 * rounded to €10.000, so the stories hold for any seed.
 */

const DAY_MS = 86_400_000;
const dayOf = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** 10:00 in the Netherlands on that day, near enough for a record's creation time. */
const momentOf = (day: number) => new Date(day * DAY_MS + 9 * 3_600_000);

type Story = { offset: number; realisedOfTarget: number; pledgedOfTarget: number; lapsed: number };
const STORIES: Story[] = [
  { offset: -2, realisedOfTarget: 0.82, pledgedOfTarget: 1.04, lapsed: 3 },
  { offset: -1, realisedOfTarget: 1.06, pledgedOfTarget: 1.18, lapsed: 2 },
  { offset: 0, realisedOfTarget: 0.84, pledgedOfTarget: 1.12, lapsed: 1 },
];

/** The named demo partners that always take part (demo.ts), the strategic ones with cash and hours. */
const REGULARS: Array<{ name: string; both: boolean }> = [
  { name: "Hulshof Installatietechniek", both: true },
  { name: "Bouwbedrijf Te Lintelo", both: true },
  { name: "Twentse Metaalunie", both: false },
  { name: "Elektro Kamphuis", both: false },
  { name: "Bouwmensen Oost", both: true },
  { name: "Installatiewerk Oost Opleidingen", both: false },
  { name: "ROC van Twente", both: true },
  { name: "Technolab Twente", both: false },
];

const RATES = [4500, 5500, 6500, 7500];
type InKind = { category: CommitmentCategory; valuation: Valuation; label: string };
const IN_KIND: InKind[] = [
  { category: "hours", valuation: "hours_rate", label: "Uren vakmensen in de les" },
  { category: "guest_lessons", valuation: "hours_rate", label: "Gastlessen" },
  { category: "internship_supervision", valuation: "hours_rate", label: "Stagebegeleiding" },
  { category: "materials", valuation: "invoice", label: "Materialen voor de praktijklokalen" },
  { category: "equipment", valuation: "fair_value", label: "Gereedschap en apparatuur" },
  { category: "premises", valuation: "fair_value", label: "Gebruik werkplaats" },
];

type Commitment = Insertable<DB["commitments"]> & { id: string; amount: number; createdDay: number };

export function targetBasisPointsFor(startYear: number) {
  // The 2025 scheme asks 10%; 7.5% applied in the grant period before it.
  return startYear >= 2025 ? 1000 : 750;
}

export function buildDemoCofinancing(input: {
  today: string;
  regionId: string;
  seed: number;
  penvoerderId: string;
  partners: Array<{ id: string; name: string }>;
  newId?: () => string;
}) {
  const newId = input.newId ?? randomUUID;
  const todayDay = dayOf(input.today);
  const currentStart = Number(schoolYearStart(input.today).slice(0, 4));
  const byName = new Map(input.partners.map((p) => [p.name, p]));
  const regulars = REGULARS.flatMap((r) => (byName.has(r.name) ? [{ ...byName.get(r.name)!, both: r.both }] : []));
  const others = input.partners.filter((p) => !REGULARS.some((r) => r.name === p.name));

  const budgets: Array<Insertable<DB["school_year_budgets"]>> = [];
  const commitments: Commitment[] = [];
  const realisations: Array<Insertable<DB["commitment_realisations"]>> = [];

  for (const story of STORIES) {
    const startYear = currentStart + story.offset;
    const schoolYear = `${startYear}-${startYear + 1}`;
    const range = schoolYearRange(schoolYear);
    const start = dayOf(range.from);
    const end = dayOf(range.until);
    const rng = seededRandom(input.seed + startYear * 31);
    const basisPoints = targetBasisPointsFor(startYear);

    // Who pledges this year: the regulars and about thirty others, some of them again each year.
    const pool = [...others];
    const chosen: Array<{ id: string; name: string; both: boolean }> = [...regulars];
    while (chosen.length < regulars.length + 30 && pool.length) chosen.push({ ...pool.splice(rng.int(0, Math.min(pool.length, 45) - 1), 1)[0]!, both: false });

    const yearCommitments: Commitment[] = [];
    let serial = 0;
    for (const partner of chosen) {
      const kinds: Array<"cash" | "in_kind"> = partner.both ? ["cash", "in_kind"] : [rng.next() < 0.4 ? "cash" : "in_kind"];
      for (const kind of kinds) {
        serial += 1;
        // Pledged from spring before the year to late autumn in it; never after today.
        const createdDay = Math.min(start - 100 + rng.int(0, 200), todayDay);
        const base = { id: newId(), region_id: input.regionId, organisation_id: partner.id, school_year: schoolYear, created_by: input.penvoerderId, createdDay,
          created_at: momentOf(createdDay), updated_at: momentOf(createdDay), agreement_reference: null as string | null, notes: null as string | null };
        if (kind === "cash") {
          const amount = rng.int(4, 40) * 25_000;
          yearCommitments.push({ ...base, kind, category: "cash", valuation: null, amount_cents: amount, amount, hours: null, hourly_rate_cents: null, status: "pledged" });
        } else {
          const what = rng.pick(IN_KIND);
          if (what.valuation === "hours_rate") {
            const hours = rng.int(2, 40) * 4;
            const rate = rng.pick(RATES);
            yearCommitments.push({ ...base, kind, category: what.category, valuation: what.valuation, amount_cents: hours * rate, amount: hours * rate, hours, hourly_rate_cents: rate, status: "pledged", notes: what.label });
          } else {
            const amount = rng.int(10, 120) * 5_000;
            yearCommitments.push({ ...base, kind, category: what.category, valuation: what.valuation, amount_cents: amount, amount, hours: null, hourly_rate_cents: null, status: "pledged", notes: what.label });
          }
        }
        if (serial % 3 !== 0) yearCommitments[yearCommitments.length - 1]!.agreement_reference = `SOK-${startYear}-${String(serial).padStart(3, "0")}`;
      }
    }

    // A few pledges lapse (never the regulars'): they leave the pledged total.
    const lapsable = yearCommitments.filter((c) => !regulars.some((r) => r.id === c.organisation_id));
    for (let i = 0; i < story.lapsed && lapsable.length; i++) lapsable.splice(rng.int(0, lapsable.length - 1), 1)[0]!.status = "lapsed";
    const live = yearCommitments.filter((c) => c.status !== "lapsed");
    const pledged = live.reduce((sum, c) => sum + c.amount, 0);

    const budgetCents = Math.max(1, Math.round(pledged / story.pledgedOfTarget / (basisPoints / 10000) / 1_000_000)) * 1_000_000;
    const targetCents = Math.round((budgetCents * basisPoints) / 10000);
    budgets.push({
      region_id: input.regionId, school_year: schoolYear, budget_cents: budgetCents, target_basis_points: basisPoints,
      notes: `Beschikking Sterk Techniekonderwijs, schooljaar ${schoolYear}`, updated_by: input.penvoerderId, created_at: momentOf(start - 60), updated_at: momentOf(start - 60),
    });

    // What is realised: the year's share of the target, by the end of the year or pro rata up to today.
    const finished = end < todayDay;
    const elapsed = Math.min(todayDay, end) - start + 1;
    let remaining = Math.min(pledged, Math.round(targetCents * story.realisedOfTarget * (finished ? 1 : elapsed / (end - start + 1))));
    const lastDay = finished ? end - 10 : todayDay;
    const order = [...live];
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const commitment of order) {
      const firstDay = Math.min(Math.max(start + (finished ? 20 : 0), commitment.createdDay), lastDay);
      if (remaining <= 0) {
        commitment.status = rng.next() < 0.55 ? "agreed" : "pledged";
        continue;
      }
      const amount = Math.min(remaining, commitment.amount);
      remaining -= amount;
      const full = amount === commitment.amount;
      commitment.status = full ? (story.offset === -2 || (finished && rng.next() < 0.5) ? "accounted" : "realised") : "agreed";
      const parts = full && amount >= 100_000 ? rng.int(1, 3) : 1;
      let left = amount;
      for (let part = 0; part < parts; part++) {
        const cents = part === parts - 1 ? left : Math.floor(amount / parts);
        left -= cents;
        const day = rng.int(firstDay, lastDay);
        realisations.push({
          id: newId(), commitment_id: commitment.id, region_id: input.regionId, date: dateOf(day), amount_cents: cents,
          description: commitment.kind === "cash" ? "Bijdrage ontvangen" : `${commitment.notes ?? "Bijdrage in natura"}: geleverd volgens afspraak`,
          evidence_reference: commitment.kind === "cash" ? `Bankafschrift ${dateOf(day)}` : commitment.valuation === "hours_rate" ? `Urenregistratie ${dateOf(day)}` : `Factuur ${startYear}-${rng.int(100, 999)}`,
          created_by: input.penvoerderId, created_at: momentOf(Math.min(day + 2, todayDay)),
        });
      }
    }
    commitments.push(...yearCommitments);
  }
  return {
    budgets,
    commitments: commitments.map(({ amount: _amount, createdDay: _createdDay, ...row }) => row as Insertable<DB["commitments"]> & { status: CommitmentStatus }),
    realisations,
  };
}

/** Loads the demo's co-financing for the region's partners: three bulk inserts. */
export async function loadDemoCofinancing(db: Database, input: { regionId: string; today: string; seed: number; penvoerderId: string }) {
  const partners = await db
    .selectFrom("organisations")
    .select(["id", "name"])
    .where("region_id", "=", input.regionId)
    .where("kind", "in", ["company", "trade_school", "mbo", "partner"])
    .where("status", "=", "active")
    .where("archived_at", "is", null)
    .orderBy("name")
    .orderBy("city")
    .execute();
  const rows = buildDemoCofinancing({ ...input, partners });
  await db.insertInto("school_year_budgets").values(rows.budgets).execute();
  await db.insertInto("commitments").values(rows.commitments).execute();
  for (let offset = 0; offset < rows.realisations.length; offset += 1000) {
    await db.insertInto("commitment_realisations").values(rows.realisations.slice(offset, offset + 1000)).execute();
  }
  return { budgets: rows.budgets.length, commitments: rows.commitments.length, realisations: rows.realisations.length };
}
