// How health is rolled up, without zod: the roll-up page's tabs and links use these in the browser,
// and a page that imports zod's schemas sends zod along (decision 120).

/** How the health roll-up groups relationships (decision 138). */
export const ROLLUP_GROUPINGS = ["school", "subregion", "accountHolder"] as const;

/** The key of the group without a subregion or without an account holder. */
export const NO_GROUP = "none";
