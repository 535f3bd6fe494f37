import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const DIR = path.resolve("docs/decisions");

describe("the decision records", () => {
  const records = readdirSync(DIR).filter((file) => /^\d{3}-.+\.md$/.test(file));
  const index = readFileSync(path.join(DIR, "README.md"), "utf8");

  it("are each listed in the index a newcomer reads", () => {
    expect(records.filter((file) => !index.includes(`(${file})`))).toEqual([]);
  });

  it("have a number of their own", () => {
    const numbers = records.map((file) => file.slice(0, 3));
    expect(numbers.filter((number, i) => numbers.indexOf(number) !== i)).toEqual([]);
  });
});
