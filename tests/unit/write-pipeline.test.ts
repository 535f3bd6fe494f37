import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/**
 * Decision 102: adapters — the API's route files, the page routes and the command line — write
 * only through runChange / runSystemChange (server/change.ts), which open the transaction, stamp
 * the actor and the clock and wake the email job. A transaction opened by hand in one of them
 * fails here.
 */
const adapters = execFileSync("git", ["ls-files", "app/routes", "server/domains/*/*.routes.ts", "server/cli.ts", "server/api.ts"], { encoding: "utf8" })
  .split("\n")
  .filter(Boolean);

describe("adapters", () => {
  it("are found", () => {
    expect(adapters.length).toBeGreaterThan(60);
  });

  it("never open a transaction themselves", () => {
    const opening = adapters.filter((file) => /\.transaction\(\)/.test(readFileSync(file, "utf8")));
    expect(opening).toEqual([]);
  });

  it("never build the actor-and-clock record by hand", () => {
    const building = adapters.filter((file) => /\{ ?actor: [a-zA-Z.]+, now: /.test(readFileSync(file, "utf8")));
    expect(building).toEqual([]);
  });
});
