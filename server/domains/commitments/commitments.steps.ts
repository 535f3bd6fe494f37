// The steps of a commitment's status, shared by the service and the page's buttons (no zod: the page runs in the browser).

const STEPS: Record<string, readonly string[]> = {
  pledged: ["agreed", "lapsed"],
  agreed: ["realised", "lapsed"],
  realised: ["accounted", "lapsed"],
  accounted: [],
  lapsed: [],
};

/** pledged → agreed → realised → accounted, and any but accounted → lapsed. */
export function canMoveTo(from: string, to: string): boolean {
  return STEPS[from]?.includes(to) ?? false;
}
