import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasHeapLimit, SERVER_HEAP_FLAG } from "../../server/heap";

describe("the server's heap limit (decision 080)", () => {
  it("is the one `npm start` gives node", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toContain(` ${SERVER_HEAP_FLAG} `);
  });

  it("is left to whoever started node with a limit of their own, as a flag or in NODE_OPTIONS", () => {
    expect(hasHeapLimit(["--max-old-space-size=512"], "")).toBe(true);
    expect(hasHeapLimit([], "--max-old-space-size=2048 --enable-source-maps")).toBe(true);
    expect(hasHeapLimit(["--import", "tsx"], "--enable-source-maps")).toBe(false);
  });
});
