import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/**
 * Every statement under server/ that updates or deletes rows, found by reading the code (the
 * TypeScript syntax tree), not by a list someone keeps: Kysely's `updateTable` and `deleteFrom`,
 * an upsert's `doUpdateSet`, and SQL text (a `sql` template or a string handed to a driver) that
 * says `update … set`, `delete from`, `truncate`, `on conflict … do update` or `regexp_replace`.
 */
export type WriteStatement = {
  /** "server/domains/privacy/privacy.service.ts › erasePerson › update people", with "#2" for a second one alike. */
  key: string;
  file: string;
  /** The top-level declaration the statement sits in (the exported function, mostly). */
  within: string;
  verb: "update" | "delete" | "upsert" | "truncate" | "regexp_replace";
  /** The table, or "?" when the SQL names it at run time. */
  table: string;
  line: number;
};

const SQL_PATTERNS: Array<{ verb: WriteStatement["verb"]; pattern: RegExp }> = [
  { verb: "upsert", pattern: /\bdo\s+update\s+set\b/gi },
  { verb: "update", pattern: /(?<!\b(?:for|do|no\s+key)\s+)\bupdate\s+("?[a-z_]+"?|\$\{[^}]*\})(?:\s+(?:as\s+)?[a-z]+)?\s+set\b/gi },
  { verb: "delete", pattern: /\bdelete\s+from\s+("?[a-z_]+"?|\$\{[^}]*\})/gi },
  { verb: "truncate", pattern: /\btruncate\s+(?:table\s+)?("?[a-z_]+"?|\$\{[^}]*\})/gi },
  { verb: "regexp_replace", pattern: /\bregexp_replace\s*\(/gi },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : filesUnder(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The name of the top-level declaration around `node`: a function, a const, a class. */
function enclosingDeclaration(node: ts.Node): string {
  let current: ts.Node = node;
  while (current.parent && !ts.isSourceFile(current.parent)) current = current.parent;
  if (ts.isFunctionDeclaration(current) || ts.isClassDeclaration(current)) return current.name?.text ?? "(anonymous)";
  if (ts.isVariableStatement(current)) return current.declarationList.declarations.map((d) => d.name.getText()).join(", ");
  return "(module)";
}

/** The text of a template or string literal, with `${…}` kept as written so a dynamic table shows as one. */
function literalText(node: ts.Node): string | null {
  if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isStringLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.getText().slice(1, -1);
  return null;
}

function tableOf(match: string | undefined) {
  if (!match) return "?";
  return match.startsWith("${") ? "?" : match.replace(/"/g, "");
}

export function findWriteStatements(root: string): WriteStatement[] {
  const found: Omit<WriteStatement, "key">[] = [];
  for (const full of filesUnder(path.join(root, "server"))) {
    const file = path.relative(root, full).split(path.sep).join("/");
    const source = ts.createSourceFile(full, readFileSync(full, "utf8"), ts.ScriptTarget.Latest, true);
    const add = (node: ts.Node, verb: WriteStatement["verb"], table: string) =>
      found.push({ file, within: enclosingDeclaration(node), verb, table, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        const first = node.arguments[0];
        const table = first && ts.isStringLiteralLike(first) ? first.text.split(/\s+/)[0]! : "?";
        if (method === "updateTable") add(node, "update", table);
        if (method === "deleteFrom") add(node, "delete", table);
        if (method === "doUpdateSet") add(node, "upsert", "(insert's table)");
      }
      // SQL text: a `sql` template (nested templates are read on their own) or a string passed to a driver.
      const text = literalText(node);
      if (text !== null && !(ts.isTemplateExpression(node) && node.parent && ts.isTemplateSpan(node.parent))) {
        for (const { verb, pattern } of SQL_PATTERNS) {
          for (const match of text.matchAll(pattern)) add(node, verb, verb === "regexp_replace" || verb === "upsert" ? "-" : tableOf(match[1]));
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const seen = new Map<string, number>();
  return found.map((statement) => {
    const base = `${statement.file} › ${statement.within} › ${statement.verb} ${statement.table}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { ...statement, key: n === 1 ? base : `${base} #${n}` };
  });
}
