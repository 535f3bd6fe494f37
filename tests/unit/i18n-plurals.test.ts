import { describe, expect, it } from "vitest";
import { translator } from "../../i18n";
import { en } from "../../i18n/en";
import { nl } from "../../i18n/nl";

/** Every message whose text still hedges a plural with "(s)" or "(en)" instead of choosing a form. */
function hedgedPlurals(node: unknown, path: string[] = []): string[] {
  if (typeof node === "string") return /\w\((s|en|es)\)/.test(node) ? [path.join(".")] : [];
  if (typeof node === "object" && node) return Object.entries(node).flatMap(([key, value]) => hedgedPlurals(value, [...path, key]));
  return [];
}

describe("plural messages", () => {
  it("say one organisation and two organisations, in Dutch and in English", () => {
    expect(translator("nl")("handover.done", { count: 1 })).toBe("1 organisatie overgedragen.");
    expect(translator("nl")("handover.done", { count: 2 })).toBe("2 organisaties overgedragen.");
    expect(translator("nl")("handover.done", { count: 0 })).toBe("0 organisaties overgedragen.");
    expect(translator("nl")("commitments.totalsCount", { count: 1 })).toBe("1 toezegging");
    expect(translator("en")("email.digest.subjectAttention", { count: 3 })).toBe("Your week in Schakel: 3 relationships need attention");
  });

  it("never write organisatie(s) or toezegging(en)", () => {
    expect(hedgedPlurals(nl)).toEqual([]);
    expect(hedgedPlurals(en)).toEqual([]);
  });
});
