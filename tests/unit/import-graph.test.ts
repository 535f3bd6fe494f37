import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The layers, read from the code: what each source file imports (type-only imports too, since they
 * tie modules together just as much for a reader). Nothing below imports what stands above it, and
 * no two modules import each other, however long the way round (docs/decisions/100).
 */
const ROOT = path.resolve(".");
const SOURCE_FOLDERS = ["i18n", "calendar", "db", "emails", "server", "app"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "node_modules" || name === "build") return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [full] : [];
  });
}

function resolveImport(from: string, specifier: string): string | null {
  const base = specifier.startsWith("~/") ? path.join(ROOT, "app", specifier.slice(2)) : specifier.startsWith(".") ? path.resolve(path.dirname(from), specifier) : null;
  if (!base) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const files = SOURCE_FOLDERS.flatMap((folder) => sourceFiles(path.join(ROOT, folder)));
const graph = new Map<string, string[]>(
  files.map((file) => [
    file,
    ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((ref) => resolveImport(file, ref.fileName)).filter((target): target is string => target !== null),
  ]),
);
const relative = (file: string) => path.relative(ROOT, file);
/** The seed (demo data, the national set) writes through the domain's own functions, so it is a layer above server/. */
const layerOf = (file: string) => (relative(file).startsWith(`db${path.sep}seed${path.sep}`) ? "db/seed" : relative(file).split(path.sep)[0]!);

/** What each layer may import, besides itself: the ground floor (i18n, calendar) imports nothing of ours. */
// server/cli.ts reaches db/seed for `schakel demo` (no file cycle: the test below says so).
const MAY_IMPORT: Record<string, string[]> = {
  i18n: [],
  calendar: [],
  db: ["i18n", "calendar"],
  emails: ["i18n", "calendar", "db"],
  server: ["i18n", "calendar", "db", "emails", "db/seed"],
  "db/seed": ["i18n", "calendar", "db", "emails", "server"],
  app: ["i18n", "calendar", "db", "emails", "server"],
};

/** Strongly connected components of two or more files (Tarjan), each a cycle of imports. */
function cycles(): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const lowOf = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    indexOf.set(file, index);
    lowOf.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!indexOf.has(target)) {
        visit(target);
        lowOf.set(file, Math.min(lowOf.get(file)!, lowOf.get(target)!));
      } else if (onStack.has(target)) {
        lowOf.set(file, Math.min(lowOf.get(file)!, indexOf.get(target)!));
      }
    }
    if (lowOf.get(file) === indexOf.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(member));
      } while (member !== file);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!indexOf.has(file)) visit(file);
  return found;
}

/**
 * The imports that load code at run time (not `import type`, not type-only specifiers). The Remix
 * build bundles whatever a route module loads this way, so these decide what it holds a copy of.
 */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly = clause?.isTypeOnly || (clause && !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly));
      if (!typeOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers.map((specifier) => resolveImport(file, specifier)).filter((target): target is string => target !== null);
}

/**
 * What a page may load of the layers below app/: rules that hold no state — zod schemas, field lists,
 * the permissions table, AppError and input validation, pure arithmetic and formatting. Everything
 * that reads or writes (the database, sessions, the request's region scope, the logger) a page reaches
 * through `context.server` (server/page-services.ts), so the process holds one copy of it (decision 140).
 */
const STATELESS_FOR_PAGES = [
  /\.schemas\.ts$/,
  /\.fields\.ts$/,
  /^db\/schema\.ts$/,
  /^server\/errors\.ts$/,
  /^server\/validation\.ts$/,
  /^server\/clock\.ts$/,
  /^server\/auth\/(permissions|current-user|two-factor-challenge)\.ts$/,
  /^server\/http\/(api-schemas|loopback)\.ts$/,
  /^server\/domains\/(commitments\/commitments\.(amounts|steps)|budgets\/budgets\.percent|links\/links\.addresses|lists\/list-sorts|health\/health\.rollup-groups)\.ts$/,
];

describe("the import graph", () => {
  it("reads the imports of every source file (the reader is not blind)", () => {
    expect(files.length).toBeGreaterThan(200);
    const feeds = graph.get(path.join(ROOT, "server/domains/feeds/feeds.service.ts"))!.map(relative);
    expect(feeds).toContain("calendar/days.ts");
  });

  it("has no layer importing one above it: server/, emails/ and db/ never import app/, the ground floor imports nothing of ours", () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => layerOf(target) !== layerOf(file) && !MAY_IMPORT[layerOf(file)]!.includes(layerOf(target))).map((target) => `${relative(file)} → ${relative(target)}`),
    );
    expect(upward).toEqual([]);
  });

  it("has no import cycles", () => {
    expect(cycles()).toEqual([]);
  });

  it("gives pages only stateless rules from below: whatever reads or writes reaches a page through its load context", () => {
    const reached = new Set<string>();
    const queue = files.filter((file) => layerOf(file) === "app");
    while (queue.length > 0) {
      for (const target of runtimeImports(queue.pop()!)) {
        if (layerOf(target) === "app" || reached.has(target)) continue;
        reached.add(target);
        queue.push(target);
      }
    }
    const belowApp = [...reached].map(relative).filter((file) => /^(server|db|emails)\//.test(file));
    expect(belowApp.length).toBeGreaterThan(10);
    expect(belowApp.filter((file) => !STATELESS_FOR_PAGES.some((pattern) => pattern.test(file))).sort()).toEqual([]);
  });
});
