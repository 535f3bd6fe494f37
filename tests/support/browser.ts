import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from "playwright-core";

/**
 * Chromium for the browser tests: Debian's `/usr/bin/chromium` when installed, otherwise the
 * headless shell that ships inside the `@sparticuz/chromium` npm package, so a machine with only
 * `npm install` behind it runs them too.
 */
const SYSTEM_CHROMIUM = "/usr/bin/chromium";

// STACK.md pitfall 10. Without the background-networking flags Chromium keeps dialling Google's
// hosts, which this closed network refuses.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Bounded waits: a missing element fails in seconds with Playwright's message, well inside the test timeout. */
const ACTION_TIMEOUT_MS = 10_000;
const NAVIGATION_TIMEOUT_MS = 15_000;
const UNPACK_LOCK_TIMEOUT_MS = 120_000;

export type TestBrowser = {
  browser: Browser;
  /** A fresh context (own cookies and storage) with Dutch locale and the bounded timeouts; one per test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Closes every context and the browser. */
  close(): Promise<void>;
};

type Executable = { path: string; env: Record<string, string> };

let resolved: Promise<Executable> | undefined;

/** One browser per test file: launch it in `beforeAll`, close it in `afterAll`. */
export async function launchBrowser(): Promise<TestBrowser> {
  const executable = await (resolved ??= resolveExecutable());
  const browser = await chromium.launch({
    executablePath: executable.path,
    args: FLAGS,
    env: { ...process.env, ...executable.env } as Record<string, string>,
    timeout: 30_000,
  });
  return {
    browser,
    async newContext(options = {}) {
      const context = await browser.newContext({ locale: "nl-NL", timezoneId: "Europe/Amsterdam", ...options });
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
      reportPageErrors(context);
      return context;
    },
    async close() {
      await browser.close();
    },
  };
}

/**
 * An uncaught exception or console error in the page (a hydration mismatch, a script blocked by the
 * Content-Security-Policy) goes to Node's console.error, which fails the test (tests/setup/per-file.ts).
 * Chromium's own "Failed to load resource" line for an expected 4xx answer (a wrong password is
 * a 400) is not an error of the page.
 */
function reportPageErrors(context: BrowserContext) {
  context.on("weberror", (error) => console.error(`Browser: uncaught ${error.error().stack ?? error.error().message}`));
  context.on("console", (message) => {
    if (message.type() !== "error") return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
    console.error(`Browser console: ${message.text()} (${message.location().url})`);
  });
}

async function resolveExecutable(): Promise<Executable> {
  if (existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, env: {} };
  return unpackBundledChromium();
}

/**
 * `chromium.executablePath()` unpacks the browser, its fonts and SwiftShader into the temp folder
 * and afterwards trusts whatever `<tmp>/chromium` it finds. Test files run in parallel processes,
 * and a killed run can leave a half-written binary, so the unpacking happens under a lock and is
 * marked complete, per package version, only when it finished.
 *
 * The package is built for Amazon Linux; on Debian the binary needs NSS, NSPR and expat from the
 * system (Debian's images for Node have them). Where `ldd` finds any missing, the copies the package
 * ships for Amazon Linux 2023 are unpacked too and put on LD_LIBRARY_PATH; they work on Debian.
 */
async function unpackBundledChromium(): Promise<Executable> {
  const require = createRequire(import.meta.url);
  // The package exports only its entry point (build/cjs/index.cjs); its root is two folders up.
  const packageDir = path.resolve(path.dirname(require.resolve("@sparticuz/chromium")), "../..");
  const version = (JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string }).version;
  const binDir = path.join(packageDir, "bin");
  const tmp = tmpdir();
  const binary = path.join(tmp, "chromium");
  const fontsDir = path.join(tmp, "fonts");
  const libDir = path.join(tmp, "schakel-chromium-libs", version);
  const marker = path.join(tmp, `schakel-chromium-${version}.ready`);

  const isReady = () => existsSync(marker) && existsSync(binary);
  if (!isReady()) {
    await withLock(path.join(tmp, "schakel-chromium.lock"), async () => {
      if (isReady()) return;
      // Whatever is there is partial or of another version, and executablePath() would trust it.
      rmSync(binary, { force: true });
      rmSync(fontsDir, { recursive: true, force: true });
      const { default: bundled } = await import("@sparticuz/chromium");
      const unpacked = await bundled.executablePath();
      if (unpacked !== binary) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, expected ${binary}`);
      rmSync(libDir, { recursive: true, force: true });
      if (missingLibraries(binary).length) {
        mkdirSync(libDir, { recursive: true });
        // A tar of lib/*.so; the system tar reads it from standard input.
        execFileSync("tar", ["-x", "-C", libDir], { input: brotliDecompressSync(readFileSync(path.join(binDir, "al2023.tar.br"))) });
      }
      writeFileSync(marker, `${version}\n`);
    });
  }

  const env: Record<string, string> = {};
  // The package's fonts.conf names /tmp/fonts (Open Sans): the same text on every machine, even one without fonts.
  if (existsSync(path.join(fontsDir, "fonts.conf"))) env.FONTCONFIG_PATH = fontsDir;
  const libs = path.join(libDir, "lib");
  if (existsSync(libs)) env.LD_LIBRARY_PATH = [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  const stillMissing = missingLibraries(binary, env);
  if (stillMissing.length) {
    throw new Error(`Chromium at ${binary} cannot load ${stillMissing.join(", ")}; install /usr/bin/chromium (Debian package chromium) instead.`);
  }
  return { path: binary, env };
}

/** Shared libraries the dynamic loader cannot find for `binary` (`ldd` prints "libx.so => not found"). */
function missingLibraries(binary: string, env: Record<string, string> = {}): string[] {
  const output = execFileSync("ldd", [binary], { env: { ...process.env, ...env }, encoding: "utf8" });
  return [...output.matchAll(/^\s*(\S+) => not found/gm)].map((match) => match[1] ?? "");
}

/**
 * Runs `fn` while holding a lock folder shared by every test process on the machine. A lock whose
 * holder died (its pid is gone) is taken over; waiting is bounded.
 */
async function withLock(lockDir: string, fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + UNPACK_LOCK_TIMEOUT_MS;
  const owner = path.join(lockDir, "pid");
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!isHolderAlive(lockDir, owner)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockDir}, held by pid ${readFileSync(owner, "utf8")}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function isHolderAlive(lockDir: string, ownerFile: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(ownerFile, "utf8"));
  } catch {
    // Made but no pid yet: the holder is between its two steps, unless that was long ago.
    try {
      return Date.now() - statSync(lockDir).mtimeMs < 10_000;
    } catch {
      return true; // released meanwhile: the next mkdir tells
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
