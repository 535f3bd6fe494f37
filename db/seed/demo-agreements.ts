import type { AgreementKind } from "../schema";
import type { Scope } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import type { Database } from "../../server/db/database";
import { createAgreement } from "../../server/domains/agreements/agreements.service";
import { dateOf, dayOf, type NamedOrganisation } from "./demo-region";

/**
 * The agreements of the demo's STO Twente (issue 6, item 3): the regional covenant, two
 * cooperation agreements and two letters of intent, dated around the clock's today. One letter of
 * intent expires within 60 days, so the expiry reminder and the "verloopt binnen 60 dagen" filter
 * have something to show. Owners default to the first party's account holder.
 */
const AGREEMENTS: Array<{ kind: AgreementKind; title: string; parties: string[]; signedDaysAgo: number; expiresInDays: number | null; notes?: string }> = [
  {
    kind: "covenant",
    title: "Convenant Sterk Techniekonderwijs Twente 2024-2028",
    parties: ["Het Erasmus", "Pius X College", "ROC van Twente", "Bouwmensen Oost", "Installatiewerk Oost Opleidingen", "Technolab Twente"],
    signedDaysAgo: 700, expiresInDays: 640,
    notes: "Regionaal convenant bij de subsidieaanvraag; elk jaar geëvalueerd in het regio-overleg.",
  },
  { kind: "cooperation_agreement", title: "Samenwerkingsovereenkomst gastlessen en stages Hulshof", parties: ["Hulshof Installatietechniek", "Het Erasmus"], signedDaysAgo: 420, expiresInDays: 310 },
  { kind: "cooperation_agreement", title: "Samenwerking praktijkleren Bouwbedrijf Te Lintelo", parties: ["Bouwbedrijf Te Lintelo", "Bouwmensen Oost", "Pius X College"], signedDaysAgo: 300, expiresInDays: null },
  {
    kind: "letter_of_intent", title: "Intentieverklaring bedrijfsbezoeken Twentse Metaalunie", parties: ["Twentse Metaalunie"], signedDaysAgo: 320, expiresInDays: 45,
    notes: "Loopt binnenkort af: verlengen samen met de nieuwe stageafspraken.",
  },
  { kind: "letter_of_intent", title: "Intentieverklaring Elektro Kamphuis", parties: ["Elektro Kamphuis", "Het Erasmus"], signedDaysAgo: 90, expiresInDays: 275 },
];

export async function loadDemoAgreements(db: Database, scope: Scope, named: NamedOrganisation[], meta: { actor: { id: string; name: string }; now: Date }) {
  const today = dayOf(toLocalDate(meta.now));
  const idOf = new Map(named.map((o) => [o.name, o.id]));
  for (const agreement of AGREEMENTS) {
    const organisationIds = agreement.parties.map((name) => idOf.get(name)).filter((id): id is string => id !== undefined);
    await createAgreement(
      db,
      scope,
      {
        kind: agreement.kind, title: agreement.title, organisationIds, signedOn: dateOf(today - agreement.signedDaysAgo),
        expiresOn: agreement.expiresInDays === null ? null : dateOf(today + agreement.expiresInDays), notes: agreement.notes ?? null,
      },
      null,
      meta,
    );
  }
}
