import type { Config } from "./config";

export type Logger = {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
};

const LEVELS = { silent: 0, error: 1, info: 2, debug: 3 } as const;

/** One JSON line per event on stdout/stderr: easy to read in a terminal and to ship to a log store. */
export function createLogger(level: Config["logLevel"]): Logger {
  const write = (stream: NodeJS.WriteStream, severity: string, message: string, fields?: Record<string, unknown>) =>
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), level: severity, message, ...fields })}\n`);
  return {
    info: (message, fields) => LEVELS[level] >= LEVELS.info && write(process.stdout, "info", message, fields),
    error: (message, fields) => LEVELS[level] >= LEVELS.error && write(process.stderr, "error", message, fields),
  };
}
