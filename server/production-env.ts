/**
 * Imported first by the command line: Schakel runs as production unless told otherwise
 * (config.ts defaults NODE_ENV to production), and React, Remix and others read the
 * environment variable itself when they load. Without this, `npm start` without NODE_ENV would
 * render with React's development build: several times the CPU and memory per page (issue 7).
 */
process.env.NODE_ENV ??= "production";
