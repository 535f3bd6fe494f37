import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { createDatabase } from "../../db/database";
import { knownMigrations, migrateTo, migrateToLatest } from "../../db/migrate";
import { AppError } from "../../errors";

/**
 * `schakel backup FILE` and `schakel restore FILE` (issue 8, item 6).
 *
 * Written on node-postgres with pg-copy-streams rather than postgres.js: postgres.js's COPY TO
 * stream stalls inside a transaction once the data outgrows one socket buffer (porsager/postgres
 * #499, #917, #1173), and a backup must copy every table inside ONE transaction (decision 008).
 *
 * The embedded PostgreSQL ships initdb, pg_ctl and postgres, but no pg_dump, so the backup uses the
 * server's own COPY: every table of the application, read in ONE repeatable-read, read-only
 * transaction (one snapshot: a backup taken while people work is consistent, never half a change),
 * in COPY's text format, which round-trips every type we use (bytea evidence, jsonb, arrays, numeric).
 *
 * The file is gzip-compressed lines:
 *   {"format":"schakel-backup","version":1,"createdAt":…,"migrations":[…]}
 *   @table {"name":"regions","columns":["id",…]}
 *   …COPY text rows (a row never contains a raw newline: COPY escapes it)…
 *   \.
 *   … one block per table …
 *   @end {"tables":N,"rows":M}
 * The end line tells a complete backup from a truncated one.
 */

const FORMAT = "schakel-backup";
const VERSION = 1;
const END_OF_DATA = "\\.";
/** Kysely's own bookkeeping: the restore sets it by migrating, never by copying. */
const NOT_COPIED = new Set(["kysely_migration", "kysely_migration_lock"]);

type Header = { format: string; version: number; createdAt: string; migrations: string[] };
export type BackupSummary = { file: string; migrations: string[]; tables: Array<{ name: string; rows: number }> };

/** A quoted identifier: table and column names come from the catalogue, quoted all the same. */
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const columnList = (columns: string[]) => columns.map(ident).join(", ");

async function connect(url: string) {
  const client = new pg.Client({ connectionString: url, application_name: "schakel-backup" });
  await client.connect();
  return client;
}

async function applicationTables(client: pg.Client): Promise<Array<{ name: string; columns: string[] }>> {
  // Generated columns are left out: PostgreSQL computes them again on the way in.
  const { rows } = await client.query<{ name: string; columns: string[] }>(`
    select c.relname as name, array_agg(a.attname::text order by a.attnum) as columns
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    where n.nspname = 'public' and c.relkind = 'r'
    group by c.relname
    order by c.relname`);
  return rows.filter((t) => !NOT_COPIED.has(t.name));
}

async function appliedMigrations(client: pg.Client): Promise<string[]> {
  const { rows: [exists] } = await client.query<{ present: boolean }>("select to_regclass('public.kysely_migration') is not null as present");
  if (!exists?.present) return [];
  return (await client.query<{ name: string }>("select name from kysely_migration order by name")).rows.map((r) => r.name);
}

/** Writes with backpressure: a large table never piles up in memory. */
async function write(stream: Writable, chunk: string | Buffer) {
  if (!stream.write(chunk)) await once(stream, "drain");
}

/**
 * Backs up every application table of the database at `url` into `file` (gzip). Written to a
 * temporary name first and renamed at the end, so a failed or interrupted backup never leaves a file
 * that looks complete.
 */
export async function backupDatabase(url: string, file: string, now: Date): Promise<BackupSummary> {
  const client = await connect(url);
  const partial = `${file}.partial`;
  // The backup holds every row (password hashes, encrypted two-factor secrets, personal data): only
  // its owner may read it. Created with mode 0600 rather than changed afterwards, so it is never
  // readable by others, not even for a moment; "wx" after removing a stale partial file, so the mode
  // is not inherited from a file someone else put there first. Renaming keeps the mode.
  await rm(partial, { force: true });
  const output = createWriteStream(partial, { flags: "wx", mode: 0o600 });
  const gzip = createGzip();
  const written = pipeline(gzip, output);
  try {
    await client.query("begin isolation level repeatable read read only");
    const migrations = await appliedMigrations(client);
    const tables = await applicationTables(client);
    const header: Header = { format: FORMAT, version: VERSION, createdAt: now.toISOString(), migrations };
    await write(gzip, `${JSON.stringify(header)}\n`);
    const counted: BackupSummary["tables"] = [];
    for (const table of tables) {
      await write(gzip, `@table ${JSON.stringify(table)}\n`);
      // Counted in the same snapshot as the copy, so the summary is exact.
      const { rows: [count] } = await client.query<{ rows: number }>(`select count(*)::int as rows from ${ident(table.name)}`);
      const rows = client.query(copyTo(`copy ${ident(table.name)} (${columnList(table.columns)}) to stdout`));
      for await (const chunk of rows as AsyncIterable<Buffer>) await write(gzip, chunk);
      await write(gzip, `${END_OF_DATA}\n`);
      counted.push({ name: table.name, rows: count?.rows ?? 0 });
    }
    await client.query("commit");
    const total = counted.reduce((sum, t) => sum + t.rows, 0);
    gzip.end(`@end ${JSON.stringify({ tables: counted.length, rows: total })}\n`);
    await written;
    await rename(partial, file);
    return { file, migrations, tables: counted };
  } catch (error) {
    gzip.destroy();
    await written.catch(() => {});
    await rm(partial, { force: true });
    throw error;
  } finally {
    await client.end();
  }
}

/** Reads the header of a backup: its format and the migrations its data belongs to. */
export async function readBackupHeader(file: string): Promise<Header> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  try {
    for await (const line of lines) return parseHeader(line);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw notABackup(file);
  } finally {
    lines.close();
  }
  throw notABackup(file);
}

function notABackup(file: string) {
  return new AppError("VALIDATION_FAILED", `${file} is not a Schakel backup`);
}

function parseHeader(line: string): Header {
  let header: Partial<Header>;
  try {
    header = JSON.parse(line) as Partial<Header>;
  } catch {
    throw new AppError("VALIDATION_FAILED", "This file is not a Schakel backup");
  }
  if (header.format !== FORMAT || !Array.isArray(header.migrations)) throw new AppError("VALIDATION_FAILED", "This file is not a Schakel backup");
  if (header.version !== VERSION) throw new AppError("VALIDATION_FAILED", `This backup has format version ${header.version}; this Schakel reads version ${VERSION}`);
  return header as Header;
}

/**
 * Is the database at `url` free of anything worth keeping? A restore only goes into an empty
 * Schakel — no region, no user — so it can never overwrite someone's data.
 */
export async function isEmptyDatabase(url: string): Promise<boolean> {
  const client = await connect(url);
  try {
    const { rows: [present] } = await client.query<{ present: boolean }>("select to_regclass('public.regions') is not null and to_regclass('public.users') is not null as present");
    if (!present?.present) return true;
    const { rows: [row] } = await client.query<{ used: boolean }>("select exists (select 1 from regions) or exists (select 1 from users) as used");
    return !row?.used;
  } finally {
    await client.end();
  }
}

/**
 * Loads a backup into the database at `url`, which must be empty and migrated to exactly the
 * backup's migrations (the CLI does that first, and migrates on to the latest afterwards). All or
 * nothing: one transaction, so a damaged or truncated file leaves the database as it was.
 * Triggers and foreign keys are set aside while loading (session_replication_role = replica, as
 * pg_restore --disable-triggers does): the rows are a consistent snapshot already, and the derived
 * tables the triggers keep (organisation_last_contact) come from the backup itself.
 */
export async function restoreDatabase(url: string, file: string): Promise<BackupSummary> {
  const client = await connect(url);
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await iterator.next();
    return done ? null : (value as string);
  };
  try {
    await client.query("begin");
    await client.query("set local session_replication_role = replica");
    const first = await next();
    if (first === null) throw notABackup(file);
    const header = parseHeader(first);
    const applied = await appliedMigrations(client);
    if (applied.join() !== header.migrations.join()) {
      throw new AppError("RULE_VIOLATION", `The database is at migration ${applied.at(-1) ?? "(none)"}, the backup at ${header.migrations.at(-1) ?? "(none)"}`);
    }
    const known = new Map((await applicationTables(client)).map((t) => [t.name, t]));
    // Rows a start-up writes by itself (instance settings) make way for the backup's.
    if (known.size) await client.query(`truncate ${[...known.keys()].map(ident).join(", ")}`);
    const tables: BackupSummary["tables"] = [];
    let ended = false;
    for (let line = await next(); line !== null; line = await next()) {
      if (line.startsWith("@end ")) {
        const end = JSON.parse(line.slice(5)) as { tables: number };
        if (end.tables !== tables.length) throw new AppError("VALIDATION_FAILED", "The backup is damaged: its table count does not match");
        ended = true;
        break;
      }
      if (!line.startsWith("@table ")) throw new AppError("VALIDATION_FAILED", "The backup is damaged: a table block was expected");
      const table = JSON.parse(line.slice(7)) as { name: string; columns: string[] };
      if (!known.has(table.name)) throw new AppError("VALIDATION_FAILED", `The backup holds a table this database does not have: ${table.name}`);
      const copy = client.query(copyFrom(`copy ${ident(table.name)} (${columnList(table.columns)}) from stdin`));
      const finished = new Promise<void>((resolve, reject) => copy.on("finish", resolve).on("error", reject));
      let rows = 0;
      let closed = false;
      for (let row = await next(); row !== null; row = await next()) {
        if (row === END_OF_DATA) {
          closed = true;
          break;
        }
        rows++;
        await write(copy, `${row}\n`);
      }
      copy.end();
      await finished.catch((error: unknown) => {
        // PostgreSQL refusing a row (a cut-off line, a broken value) means the file is damaged.
        throw new AppError("VALIDATION_FAILED", `The backup is damaged in table ${table.name}: ${error instanceof Error ? error.message : String(error)}`);
      });
      if (!closed) throw new AppError("VALIDATION_FAILED", `The backup is damaged: table ${table.name} is cut off`);
      tables.push({ name: table.name, rows });
    }
    if (!ended) throw new AppError("VALIDATION_FAILED", "The backup is damaged: it ends before its last table");
    await resetSequences(client);
    await client.query("commit");
    return { file, migrations: header.migrations, tables };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    if (error instanceof AppError) throw error;
    // A gzip or JSON error means a damaged file; the transaction has rolled back either way.
    if (error instanceof Error && /gzip|header|JSON|unexpected end/i.test(error.message)) throw new AppError("VALIDATION_FAILED", `The backup is damaged: ${error.message}`);
    throw error;
  } finally {
    lines.close();
    await client.end();
  }
}

/** Identity columns continue after the highest restored id, so new rows do not collide. */
async function resetSequences(client: pg.Client) {
  const { rows } = await client.query<{ table: string; column: string; sequence: string }>(`
    select c.relname as table, a.attname as column, pg_get_serial_sequence(format('%I', c.relname), a.attname) as sequence
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = 'public' and c.relkind = 'r' and pg_get_serial_sequence(format('%I', c.relname), a.attname) is not null`);
  for (const { table, column, sequence } of rows) {
    await client.query(`select setval($1, coalesce((select max(${ident(column)}) from ${ident(table)}), 0) + 1, false)`, [sequence]);
  }
}

/**
 * The whole `schakel restore`: refuses a database that holds data, gives the empty one the schema
 * the backup was taken with, loads the rows, migrates on to this version of Schakel and refreshes
 * the planner's statistics. A backup from a newer Schakel (unknown migrations) is refused.
 */
export async function restoreIntoEmptyDatabase(url: string, file: string): Promise<BackupSummary & { migratedAfter: string[] }> {
  const header = await readBackupHeader(file);
  const known = await knownMigrations();
  const unknown = header.migrations.filter((name) => !known.includes(name));
  if (unknown.length) throw new AppError("RULE_VIOLATION", `The backup comes from a newer Schakel (migration ${unknown[0]}); update Schakel first`);
  if (!(await isEmptyDatabase(url))) {
    throw new AppError("RULE_VIOLATION", "The database already holds regions or users; restore into an empty database (a new DATA_DIR or DATABASE_URL)");
  }
  const db = createDatabase(url, { max: 1 });
  try {
    await migrateTo(db, header.migrations.at(-1) ?? null);
    const summary = await restoreDatabase(url, file);
    const migratedAfter = await migrateToLatest(db);
    const client = await connect(url);
    await client.query("analyze").finally(() => client.end());
    return { ...summary, migratedAfter };
  } finally {
    await db.destroy();
  }
}
