import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * What the chunks of build/server.js import (decision 147), read from the metafile
 * scripts/build-server.js writes beside them. tests/integration/primary-modules.test.ts shows the
 * same in running processes; this one says which import brought the web part in.
 */
type Metafile = {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: Array<{ path: string; kind: string; external?: boolean }> }>;
};
const META = path.resolve("build/server-bundle.meta.json");

describe("build/server.js (decision 147)", () => {
  const meta = existsSync(META) ? (JSON.parse(readFileSync(META, "utf8")) as Metafile) : null;
  const outputs = meta?.outputs ?? {};
  const chunkOf = (entryPoint: string) => Object.keys(outputs).find((output) => outputs[output]!.entryPoint === entryPoint)!;
  /** The outputs a process evaluates once it has imported `starts`: their static imports, transitively. */
  const loaded = (...starts: string[]) => {
    const seen = new Set(starts);
    for (const output of seen) for (const imported of outputs[output]!.imports) if (!imported.external && imported.kind === "import-statement") seen.add(imported.path);
    return [...seen];
  };
  const sources = (chunks: string[]) => chunks.flatMap((chunk) => Object.keys(outputs[chunk]!.inputs));
  const packages = (chunks: string[]) => chunks.flatMap((chunk) => outputs[chunk]!.imports.filter((i) => i.external && i.kind === "import-statement").map((i) => i.path));

  it("has been built with its metafile (npm run build)", () => {
    expect(meta, `${META} is missing: run npm run build`).not.toBeNull();
  });

  it("gives the primary of a cluster the jobs and the migrations, but not the web part", () => {
    const primary = loaded("build/server.js", chunkOf("server/cluster.ts"));
    const web = loaded("build/server.js", chunkOf("server/web-server.ts"));
    expect(sources(primary)).toEqual(expect.arrayContaining(["server/jobs/jobs.ts", "server/db/migrate.ts", "emails/render.ts"]));
    const webPart = ["server/web-server.ts", "server/app.ts", "server/api.ts", "server/page-services.ts"];
    expect(sources(primary).filter((source) => webPart.includes(source))).toEqual([]);
    expect(packages(primary).filter((name) => /^(hono|@hono\/|@remix-run\/)/.test(name))).toEqual([]);
    // argon2 too: it is loaded with the first password checked (server/auth/passwords.ts).
    expect(packages([...primary, ...web])).not.toContain("@node-rs/argon2");
    // The web process has them: the test above looks for names that exist.
    expect(sources(web)).toEqual(expect.arrayContaining(webPart));
    expect(packages(web)).toEqual(expect.arrayContaining(["hono", "@hono/zod-openapi", "@remix-run/server-runtime"]));
  });

  it("bundles the email components our emails use, and nothing of the ones they do not", () => {
    const everything = Object.keys(outputs);
    expect(packages(everything).filter((name) => /^(@react-email\/(?!render$)|tailwindcss|prismjs|marked)/.test(name))).toEqual([]);
    const bundled = sources(everything).filter((source) => source.includes("node_modules/@react-email/"));
    expect(bundled.some((source) => source.includes("/@react-email/button/"))).toBe(true);
    expect(bundled.filter((source) => /\/@react-email\/(tailwind|code-block|markdown)\//.test(source))).toEqual([]);
  });
});
