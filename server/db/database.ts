import {
  CompiledQuery, type DatabaseConnection, type DatabaseIntrospector, type Dialect, type DialectAdapter, type Driver, Kysely, PostgresAdapter,
  PostgresDriver, PostgresIntrospector, PostgresQueryCompiler, type QueryCompiler, type QueryResult, SelectQueryNode, type Transaction,
  type TransactionSettings,
} from "kysely";
import postgres from "postgres";
import type { DB } from "../../db/schema";
import { currentRegionScope, currentRegionScopeKey } from "./region-scope";

export type Database = Kysely<DB>;
/**
 * An open transaction. Services that write take this rather than `Database`, so handing them the
 * pool does not compile: a change of several writes commits whole or not at all (server/change.ts).
 */
export type Tx = Transaction<DB>;

/**
 * One pool per process. `date` columns stay 'YYYY-MM-DD' strings: a calendar day has no time zone,
 * and turning it into a JavaScript Date would shift it.
 */
export function createDatabase(url: string, options: { max?: number } = {}): Database {
  const { url: address, ...socket } = splitSocket(url);
  const client = postgres(address, {
    ...socket,
    max: options.max ?? 10,
    onnotice: () => {},
    // Prepared statements are still planned with each run's values: the plans stay as they were (decision 146).
    connection: { application_name: "schakel", plan_cache_mode: "force_custom_plan" },
    types: {
      date: { to: 1082, from: [1082], serialize: (value: string) => value, parse: (value: string) => value },
    },
  });
  return new Kysely<DB>({ dialect: new RegionScopedDialect(client) });
}

/**
 * A URL may name a Unix socket's folder the libpq way, `?host=/folder` (the embedded server's URL
 * does, decision 146). postgres.js reads `host` only from its options and would send an unknown
 * query parameter to the server as a setting, so it is taken off the URL and given as the socket's path.
 */
export function splitSocket(url: string): { url: string; path?: string } {
  const parsed = new URL(url);
  const folder = parsed.searchParams.get("host");
  if (!folder?.startsWith("/")) return { url };
  parsed.searchParams.delete("host");
  return { url: parsed.toString(), path: `${folder}/.s.PGSQL.${parsed.port || "5432"}` };
}

/** The same server (and socket), another database on it. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/**
 * Row-level security (decision 073). Kysely reserves one postgres.js connection per query or
 * transaction; before its first statement the connection is put into the scope the caller runs in
 * (server/db/region-scope.ts): inside a region scope the role `schakel_request` with
 * `schakel.region_id` set, outside it the login role with no region. postgres.js does not say which
 * pooled connection a reservation got, and a reconnect resets a connection silently, so the state is
 * not tracked: every reservation sets all of it. Until the first region scope in this process no
 * connection can carry one, and nothing is sent (the CLI, the benches and jobs-only work pay nothing).
 * kysely-postgres-js's own onReserveConnection hook is not used: a failure there would keep the
 * connection reserved forever, and a database outage would then drain the pool.
 *
 * Fewer round trips (decision 146). On this machine a write to PostgreSQL's socket, which wakes its
 * backend on the other core, costs more of the server's CPU than anything else a page does, so:
 * - The reads of one request share a connection while any of them runs: the reads a page starts
 *   together (its loaders' `Promise.all`) go out in one write behind one scope statement and are
 *   answered one after the other by one backend (postgres.js pipelines the queries of a connection).
 *   The connection goes back to the pool as soon as none of the request's reads is running, so a
 *   request never holds it while it waits for anything else (a transaction's own connection).
 * - A read is a select whose every part is a select. Its answer is used only when the scope
 *   statement succeeded, so a read that ran in a scope that failed to apply is thrown away, not shown.
 * - Anything that may write (a transaction, an insert, raw SQL, a stream) gets a connection of its
 *   own and waits for the scope first, so nothing is ever written in another scope.
 */
class RegionScopedDialect implements Dialect {
  #client: postgres.Sql;

  constructor(client: postgres.Sql) {
    this.#client = client;
  }

  createDriver(): Driver {
    return new RegionScopedDriver(new PreparingPostgresJSDriver(this.#client));
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}

/**
 * Kysely over postgres.js, with prepared statements (decision 146). kysely-postgres-js runs every
 * query through `sql.unsafe`, which postgres.js does not prepare: a query with parameters then first
 * asks the server to describe it and waits for the answer before it sends the values — two round
 * trips, and nothing else on that connection goes out meanwhile. Prepared (named, kept per
 * connection), a query the connection has run before is one write of Bind and Execute, and a
 * request's reads pipeline. The server still plans each run with its values
 * (`plan_cache_mode = force_custom_plan`, set in createDatabase), so plans are what they were.
 * Transactions and savepoints are Kysely's PostgreSQL driver's, which only send SQL.
 */
class PreparingPostgresJSDriver extends PostgresDriver {
  #client: postgres.Sql;

  constructor(client: postgres.Sql) {
    super({ pool: undefined as never });
    this.#client = client;
  }

  override async init() {}

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new PostgresJSConnection(await this.#client.reserve());
  }

  override async releaseConnection(connection: DatabaseConnection) {
    (connection as PostgresJSConnection).release();
  }

  override async destroy() {
    await this.#client.end();
  }
}

class PostgresJSConnection implements DatabaseConnection {
  #reserved: postgres.ReservedSql;

  constructor(reserved: postgres.ReservedSql) {
    this.#reserved = reserved;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#query(compiledQuery);
    const counted = result.command === "INSERT" || result.command === "UPDATE" || result.command === "DELETE" || result.command === "MERGE";
    return { rows: Array.from(result.values()) as R[], ...(counted ? { numAffectedRows: BigInt(result.count) } : {}) };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    for await (const rows of this.#query(compiledQuery).cursor(chunkSize)) yield { rows: rows as R[] };
  }

  release() {
    this.#reserved.release();
  }

  #query(compiledQuery: CompiledQuery) {
    // Without parameters (the scope statement, `begin`, raw DDL) postgres.js sends a simple query; a
    // statement of several commands (the migrations) may only go that way, and has nothing to prepare.
    const parameters = [...compiledQuery.parameters] as postgres.ParameterOrJSON<never>[];
    return this.#reserved.unsafe(compiledQuery.sql, parameters, { prepare: parameters.length > 0 });
  }
}

class RegionScopedDriver implements Driver {
  #driver: Driver;
  #everScoped = false;
  /** Per request (its region scope's object): the connection its reads share while any runs. */
  #sharedReads = new WeakMap<object, SharedReads>();

  constructor(driver: Driver) {
    this.#driver = driver;
  }

  init() {
    return this.#driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const regionId = currentRegionScope();
    const key = currentRegionScopeKey();
    if (regionId && key) {
      this.#everScoped = true;
      let shared = this.#sharedReads.get(key);
      if (!shared) this.#sharedReads.set(key, (shared = new SharedReads(this.#driver, scopeStatement(regionId))));
      return new RequestConnection(shared, () => this.#own(regionId));
    }
    if (!this.#everScoped) return this.#driver.acquireConnection();
    return this.#own(null);
  }

  async #own(regionId: string | null): Promise<ScopedConnection> {
    return new ScopedConnection(await this.#driver.acquireConnection(), scopeStatement(regionId));
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    if (connection instanceof RequestConnection) await (await connection.own()).applyScope();
    if (connection instanceof ScopedConnection) await connection.applyScope();
    return this.#driver.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection) {
    return this.#driver.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection) {
    return this.#driver.rollbackTransaction(connection);
  }

  savepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]) {
    return this.#driver.savepoint!(connection, name, compileQuery);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]) {
    return this.#driver.rollbackToSavepoint!(connection, name, compileQuery);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler["compileQuery"]) {
    return this.#driver.releaseSavepoint!(connection, name, compileQuery);
  }

  async releaseConnection(connection: DatabaseConnection) {
    // A failed scope statement rolled back its own implicit transaction, so the connection is as
    // it was; it goes back to the pool either way (the next reservation sets the scope again).
    if (connection instanceof RequestConnection) {
      const own = connection.ownIfAny();
      if (own) await this.#driver.releaseConnection((await own).inner);
      return;
    }
    await this.#driver.releaseConnection(connection instanceof ScopedConnection ? connection.inner : connection);
  }

  destroy() {
    return this.#driver.destroy();
  }
}

/** A reserved connection whose scope statement is sent with, or just before, its first statement. */
class ScopedConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  #scope: CompiledQuery | null;

  constructor(inner: DatabaseConnection, scope: CompiledQuery) {
    this.inner = inner;
    this.#scope = scope;
  }

  /** Sends the scope statement (once) and waits for it. */
  async applyScope(): Promise<void> {
    const scope = this.#scope;
    if (!scope) return;
    this.#scope = null;
    await this.inner.executeQuery(scope);
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const scope = this.#scope;
    if (!scope) return this.inner.executeQuery<R>(compiledQuery);
    if (!isPlainRead(compiledQuery)) {
      await this.applyScope();
      return this.inner.executeQuery<R>(compiledQuery);
    }
    this.#scope = null;
    // Both are handed to postgres.js before either is awaited: one write, one round trip.
    return answerInScope(this.inner.executeQuery(scope), this.inner.executeQuery<R>(compiledQuery));
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    await this.applyScope();
    yield* this.inner.streamQuery<R>(compiledQuery, chunkSize);
  }
}

/**
 * What Kysely holds for one query or transaction inside a request: reads go to the request's shared
 * connection until this holder runs anything else; from then on (a transaction, a write) everything
 * it runs goes to a connection of its own.
 */
class RequestConnection implements DatabaseConnection {
  #shared: SharedReads;
  #acquireOwn: () => Promise<ScopedConnection>;
  #own: Promise<ScopedConnection> | null = null;

  constructor(shared: SharedReads, acquireOwn: () => Promise<ScopedConnection>) {
    this.#shared = shared;
    this.#acquireOwn = acquireOwn;
  }

  own(): Promise<ScopedConnection> {
    return (this.#own ??= this.#acquireOwn());
  }

  ownIfAny(): Promise<ScopedConnection> | null {
    return this.#own;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.#own && isPlainRead(compiledQuery)) return this.#shared.run<R>(compiledQuery);
    return (await this.own()).executeQuery<R>(compiledQuery);
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    yield* (await this.own()).streamQuery<R>(compiledQuery, chunkSize);
  }
}

/** One request's reads: one reserved connection, its scope set once, while any read runs. */
class SharedReads {
  #driver: Driver;
  #scope: CompiledQuery;
  #current: Promise<{ connection: DatabaseConnection; scoped: Promise<unknown> }> | null = null;
  #running = 0;

  constructor(driver: Driver, scope: CompiledQuery) {
    this.#driver = driver;
    this.#scope = scope;
  }

  async run<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    this.#running += 1;
    try {
      this.#current ??= this.#reserve();
      const { connection, scoped } = await this.#current;
      return await answerInScope(scoped, connection.executeQuery<R>(compiledQuery));
    } finally {
      this.#running -= 1;
      if (this.#running === 0) {
        const current = this.#current;
        this.#current = null;
        // A reservation that failed has nothing to give back.
        await current?.then(({ connection }) => this.#driver.releaseConnection(connection), () => {});
      }
    }
  }

  async #reserve() {
    const connection = await this.#driver.acquireConnection();
    const scoped = connection.executeQuery(this.#scope);
    scoped.catch(() => {}); // awaited by every read; a failure must not also surface as unhandled
    return { connection, scoped };
  }
}

/**
 * A read's answer, given only when the scope statement sent before it succeeded: otherwise the read
 * ran in whatever scope the connection had, and its rows are thrown away with the scope's error.
 */
async function answerInScope<R>(scoped: Promise<unknown>, read: Promise<QueryResult<R>>): Promise<QueryResult<R>> {
  const [scope, result] = await Promise.allSettled([scoped, read]);
  if (scope.status === "rejected") throw scope.reason;
  if (result.status === "rejected") throw result.reason;
  return result.value;
}

/**
 * A select built with Kysely whose common table expressions are selects too: it reads and cannot
 * write. Raw SQL (`sql\`…\`.execute`) may be anything, so it is not one.
 */
function isPlainRead(compiledQuery: CompiledQuery): boolean {
  const node = compiledQuery.query;
  if (!SelectQueryNode.is(node)) return false;
  return (node.with?.expressions ?? []).every((cte) => SelectQueryNode.is(cte.expression));
}

/**
 * Without parameters, so postgres.js sends it as one simple query in one round trip (a
 * parameterised one would first wait for a describe); the region id is a checked uuid
 * (runInRegionScope), inlined as a literal.
 */
function scopeStatement(regionId: string | null): CompiledQuery {
  return CompiledQuery.raw(
    regionId
      ? `select set_config('role', 'schakel_request', false), set_config('schakel.region_id', '${regionId}', false)`
      : `select set_config('role', 'none', false), set_config('schakel.region_id', '', false)`,
  );
}
