import { CompiledQuery, type DatabaseConnection, type Driver, Kysely, type QueryCompiler, type Transaction, type TransactionSettings } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import type { DB } from "../../db/schema";
import { currentRegionScope } from "./region-scope";

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
 * transaction; before its first statement the connection is put into the scope the caller runs in
 * (server/db/region-scope.ts): inside a region scope the role `schakel_request` with
 * `schakel.region_id` set, outside it the login role with no region — one statement, awaited before
 * the caller's, so a query never runs in a scope that failed to apply. postgres.js does not say which
 * pooled connection a reservation got, and a reconnect resets a connection silently, so the state is
 * not tracked: every reservation sets all of it. Until the first region scope in this process no
 * connection can carry one, and nothing is sent (the CLI, the benches and jobs-only work pay nothing).
 * kysely-postgres-js's own onReserveConnection hook is not used: a failure there would keep the
 * connection reserved forever, and a database outage would then drain the pool.
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
    else if (!this.#everScoped) return connection;
    try {
      await connection.executeQuery(scopeStatement(regionId));
    } catch (error) {
      // The statement's own transaction rolled back, so the connection is as it was; Kysely never
      // releases a connection it did not get, so it goes back here.
      await this.#driver.releaseConnection(connection);
      throw error;
    }
    return connection;
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
    return this.#driver.releaseConnection(connection);
  }

  destroy() {
    return this.#driver.destroy();
  }
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
