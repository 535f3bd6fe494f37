import type { Config } from "../config";
import { startEmbeddedPostgres } from "./embedded-postgres";

export type DatabaseServer = { url: string; isEmbedded: boolean; stop(): Promise<void> };

/** `DATABASE_URL` when set; otherwise the embedded PostgreSQL in `DATA_DIR`. */
export async function connectDatabaseServer(config: Config, log: (message: string) => void): Promise<DatabaseServer> {
  if (config.databaseUrl) return { url: config.databaseUrl, isEmbedded: false, stop: async () => {} };
  const embedded = await startEmbeddedPostgres(config.dataDir, log);
  return { url: embedded.url, isEmbedded: true, stop: embedded.stop };
}
