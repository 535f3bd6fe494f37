import { readConfig } from "../../server/config";
import type { Database } from "../../server/db/database";
import { startServer } from "../../server/index";
import { TEST_SECRET_KEY } from "./secret-key";
import { createTestDatabase } from "./database";

export type TestServer = {
  /** Where the browser reaches the app: `http://127.0.0.1:<port>` (or APP_URL when given). */
  url: string;
  /** The app's database, for factories and for checking what a journey stored. */
  db: Database;
  /** The email-capture SMTP listener's port, when started with `INBOUND_SMTP_PORT` (it is off by default here). */
  inboundSmtpPort: number | null;
  /** Stops the server (requests, jobs, pool), then drops the database. */
  stop(): Promise<void>;
};

/**
 * The real app, as `npm start` runs it (Hono, the Remix build, pg-boss), in this process on a free
 * port of 127.0.0.1 against a fresh copy of the test database. Needs build/index.js: `npm test`
 * builds first; when running one file, run `npx remix build` once.
 */
export async function startTestServer(opts: { env?: Record<string, string> } = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  try {
    const config = readConfig({
      DATABASE_URL: database.url,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      NODE_ENV: "production",
      SCHAKEL_SECRET_KEY: TEST_SECRET_KEY,
      CHECK_API_RESPONSES: "1",
      // Test files run side by side: none may take the default SMTP port 2525; a test that wants it asks for port 0.
      INBOUND_SMTP_PORT: "off",
      ...opts.env,
    });
    const running = await startServer(config);
    // startServer names http://localhost:<port> when APP_URL is unset; 127.0.0.1 is the address it
    // listens on, where "localhost" might first resolve to ::1.
    const url = config.isDeployment ? config.appUrl : `http://127.0.0.1:${new URL(running.url).port}`;
    return {
      url,
      db: database.db,
      inboundSmtpPort: running.inboundSmtpPort,
      async stop() {
        try {
          await running.stop();
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
