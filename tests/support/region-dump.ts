import { sql } from "kysely";
import { expect } from "vitest";
import type { Database } from "../../server/db/database";

/**
 * Tables that belong to no region: instance-wide settings, the sign-in throttle and the rate-limit
 * buckets (keyed by address, email or a hash, before anyone is known), the queue of password-reset
 * requests (an address typed on the public page; the job finds its user) and the migrator's own. Every other table of `public` must
 * reach a region through a `region_id` column or a foreign key, or `dumpRegion` fails loudly: a new
 * table is either region data (and then dumped) or named here on purpose.
 */
export const GLOBAL_TABLES = [
  "instance_settings", "sign_in_attempts", "rate_limit_buckets", "password_reset_requests", "sign_in_link_requests", "kysely_migration", "kysely_migration_lock",
  // One row naming the database's SCHAKEL_SECRET_KEY (decision 152), for the whole instance.
  "secret_key_check",
] as const;

type ForeignKey = { table: string; columns: string[]; parent: string; parentColumns: string[] };

/** Every row of a region, table by table: each row as JSON (with its row version when asked), sorted. */
export type RegionDump = Record<string, string[]>;

async function catalogue(db: Database) {
  const tables = await sql<{ table: string; hasRegion: boolean }>`
    select c.relname as table,
      exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'region_id' and not a.attisdropped) as "hasRegion"
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname`.execute(db);
  const keys = await sql<{ table: string; columns: string[]; parent: string; parentColumns: string[] }>`
    select child.relname as table, parent.relname as parent,
      array(select a.attname::text from unnest(k.conkey) with ordinality u(n, i) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i) as columns,
      array(select a.attname::text from unnest(k.confkey) with ordinality u(n, i) join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i) as "parentColumns"
    from pg_constraint k
    join pg_class child on child.oid = k.conrelid join pg_class parent on parent.oid = k.confrelid
    join pg_namespace n on n.oid = child.relnamespace
    where k.contype = 'f' and n.nspname = 'public'
    order by child.relname, k.conname`.execute(db);
  return { tables: tables.rows, keys: keys.rows as ForeignKey[] };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The SQL condition, on `alias`, that a row of `table` belongs to the region `$region`: its own
 * `region_id`, else any foreign key to a row that belongs to it (followed as far as needed), else
 * null. `regions` is the region itself.
 */
function regionCondition(table: string, alias: string, tables: Map<string, boolean>, keys: ForeignKey[], seen: string[] = []): string | null {
  if (table === "regions") return `${alias}.id = $region`;
  if (tables.get(table)) return `${alias}.region_id = $region`;
  const paths: string[] = [];
  for (const key of keys.filter((k) => k.table === table && !seen.includes(k.parent) && k.parent !== table)) {
    const parentAlias = `${alias}_${paths.length + 1}`;
    const inner = regionCondition(key.parent, parentAlias, tables, keys, [...seen, table]);
    if (!inner) continue;
    const join = key.columns.map((column, i) => `${parentAlias}.${ident(key.parentColumns[i]!)} = ${alias}.${ident(column)}`).join(" and ");
    paths.push(`exists (select 1 from ${ident(key.parent)} ${parentAlias} where ${join} and ${inner})`);
  }
  return paths.length ? `(${paths.join(" or ")})` : null;
}

/**
 * Reads every row of every table that belongs to the region: tables with a `region_id` (rows of that
 * region), `regions` (the region's own row) and tables reached through foreign keys (rows whose
 * parent is the region's: a contact moment's people, a user's sessions). Tables are read from the
 * catalogue, so a table added tomorrow is dumped too, and a table whose region cannot be determined
 * fails the dump unless it is in GLOBAL_TABLES. With `rowVersions`, each row carries its `xmin`, so
 * a write that rewrote a row with the same values shows as a change too.
 */
export async function dumpRegion(db: Database, regionId: string, options: { rowVersions?: boolean } = {}): Promise<RegionDump> {
  const { tables, keys } = await catalogue(db);
  const hasRegion = new Map(tables.map((t) => [t.table, t.hasRegion]));
  const dump: RegionDump = {};
  const undetermined: string[] = [];
  for (const { table } of tables) {
    if ((GLOBAL_TABLES as readonly string[]).includes(table)) continue;
    const condition = regionCondition(table, "t", hasRegion, keys);
    if (!condition) {
      undetermined.push(table);
      continue;
    }
    const row = options.rowVersions ? `to_jsonb(t) || jsonb_build_object('xmin', t.xmin::text)` : `to_jsonb(t)`;
    const parts = `select (${row})::text as row from ${ident(table)} t where ${condition}`.split("$region");
    let query = sql.raw(parts[0]!);
    for (const part of parts.slice(1)) query = sql`${query}${regionId}::uuid${sql.raw(part)}`;
    const { rows } = (await query.execute(db)) as { rows: Array<{ row: string }> };
    dump[table] = rows.map((r) => r.row).sort();
  }
  if (undetermined.length) {
    throw new Error(`dumpRegion: cannot tell which region rows of ${undetermined.join(", ")} belong to: give the table a region_id or a foreign key to region data, or add it to GLOBAL_TABLES with a reason`);
  }
  return dump;
}

/** The differences between two dumps of one region, per table: rows that disappeared and rows that appeared. */
export function diffDumps(before: RegionDump, after: RegionDump) {
  const differences: Record<string, { gone: string[]; new: string[] }> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = new Set(before[table] ?? []);
    const is = new Set(after[table] ?? []);
    const gone = [...was].filter((row) => !is.has(row));
    const added = [...is].filter((row) => !was.has(row));
    if (gone.length || added.length) differences[table] = { gone, new: added };
  }
  return differences;
}

/** Asserts that nothing of the region changed between the two dumps, naming each changed row if something did. */
export function expectRegionUnchanged(before: RegionDump, after: RegionDump) {
  expect(diffDumps(before, after)).toEqual({});
}
