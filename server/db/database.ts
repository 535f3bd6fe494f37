import {
  CompiledQuery, type DatabaseConnection, type Driver, Kysely, type QueryCompiler, type QueryResult, type TransactionSettings,
} from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import type { DB } from "../../db/schema";
import { currentRegionScope } from "./region-scope";

export type Database = Kysely<DB>;

/**
 * One pool per process. `date` columns stay 'YYYY-MM-DD' strings: a calendar day has no time zone,
 * and turning it into a JavaScript Date would shift it.
 */
export function createDatabase(url: string, options: { max?: number } = {}): Database {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: "schakel" },
    types: {
      date: { to: 1082, from: [1082], serialize: (value: string) => value, parse: (value: string) => value },
    },
  });
  return new Kysely<DB>({ dialect: new RegionScopedDialect({ postgres: client }) });
}

/**
 * Row-level security (decision 073). Kysely reserves one postgres.js connection per query or
 * transaction; before its first query the connection is put into the scope the caller runs in
 * (server/db/region-scope.ts): inside a region scope the role `schakel_request` with
 * `schakel.region_id` set, outside it the login role with no region. The statement is sent in the
 * same write as the caller's query (postgres.js pipelines on a reserved connection), so it costs no
 * round trip of its own; it is awaited with the query, and if it failed the query's answer is not
 * used. postgres.js does not say which pooled connection a reservation got, so every reservation
 * sets the whole state; until the first region scope in this process none can carry one, and
 * nothing is sent (the CLI, the benches and jobs-only work pay nothing).
 */
class RegionScopedDialect extends PostgresJSDialect {
  override createDriver(): Driver {
    return new RegionScopedDriver(super.createDriver());
  }
}

class RegionScopedDriver implements Driver {
  #driver: Driver;
  #everScoped = false;

  constructor(driver: Driver) {
    this.#driver = driver;
  }

  init() {
    return this.#driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const regionId = currentRegionScope();
    const connection = await this.#driver.acquireConnection();
    if (regionId) this.#everScoped = true;
    else if (!this.#everScoped) return new ScopedConnection(connection, null);
    const pending = connection.executeQuery(scopeStatement(regionId));
    // Awaited with the first query; this only keeps a failure from counting as unhandled meanwhile.
    pending.catch(() => {});
    return new ScopedConnection(connection, pending);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
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

  releaseConnection(connection: DatabaseConnection) {
    return this.#driver.releaseConnection((connection as ScopedConnection).inner);
  }

  destroy() {
    return this.#driver.destroy();
  }
}

/**
 * Without parameters, so postgres.js sends it as one simple query (a parameterised one would first
 * wait for a describe round trip); the region id is a checked uuid (runInRegionScope).
 */
function scopeStatement(regionId: string | null): CompiledQuery {
  return CompiledQuery.raw(
    regionId
      ? `select set_config('role', 'schakel_request', false), set_config('schakel.region_id', '${regionId}', false)`
      : `select set_config('role', 'none', false), set_config('schakel.region_id', '', false)`,
  );
}

class ScopedConnection implements DatabaseConnection {
  #pending: Promise<unknown> | null;

  constructor(
    readonly inner: DatabaseConnection,
    pending: Promise<unknown> | null,
  ) {
    this.#pending = pending;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const pending = this.#pending;
    if (!pending) return this.inner.executeQuery<R>(query);
    this.#pending = null;
    // Both are awaited, so neither rejection goes unhandled; a failed scope wins over the answer.
    const [scope, result] = await Promise.allSettled([pending, this.inner.executeQuery<R>(query)]);
    if (scope.status === "rejected") throw scope.reason;
    if (result.status === "rejected") throw result.reason;
    return result.value;
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.#pending) {
      const pending = this.#pending;
      this.#pending = null;
      await pending;
    }
    yield* this.inner.streamQuery<R>(query, chunkSize);
  }
}
