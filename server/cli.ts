import "./production-env";
import { Command, CommanderError } from "commander";
import { loadDemo } from "../db/seed/demo";
import { loadNational } from "../db/seed/national";
import { createApiToken } from "./auth/api-tokens";
import { findOidcProvider, removeOidcProvider, saveOidcProvider } from "./auth/oidc-settings";
import { OidcProviderInput } from "./auth/oidc-settings.schemas";
import { createSecretBox, loadSecretKey, SECRET_KEY_ENV } from "./auth/secret-key";
import { adoptSecretKey } from "./auth/secret-key-check";
import { runSystemChange } from "./change";
import { createClock, toLocalDate } from "./clock";
import { type Config, readConfig } from "./config";
import type { AppServices } from "./context";
import { connectDatabaseServer } from "./db/connect";
import { createDatabase } from "./db/database";
import { migrateToLatest } from "./db/migrate";
import { AppError } from "./errors";
import { backupDatabase, restoreIntoEmptyDatabase } from "./domains/backup/backup.service";
import { backfillHealthHistory, recomputeDueHealth, recomputeHealth } from "./domains/health/health.service";
import { INBOUND_MAIL_PATH } from "./domains/mail-capture/inbound-mail.routes";
import { issueInboundSecret } from "./domains/mail-capture/mail-capture.settings";
import { schoolYearStart } from "../calendar/school-year";
import { CreateRegionInput } from "./domains/regions/regions.schemas";
import { createRegion, findRegionBySlug } from "./domains/regions/regions.service";
import { CreateUserInput } from "./domains/users/users.schemas";
import { createUser } from "./domains/users/users.service";
import { runServerUntilSignalled } from "./index";
import { databaseNotice } from "./running-servers";
import { parseInput } from "./validation";

/** What a command's changes run with (server/change.ts): the database, the clock and the configuration. */
type CliServices = Pick<AppServices, "db" | "clock" | "config" | "notifyEmailQueued">;

/**
 * `npx schakel <command>` (README.md, "Command line"). Commands share the running server's embedded database when
 * there is one, and start it for the duration of the command otherwise. Failures exit non-zero
 * with one line on standard error.
 */
async function withDatabase<T>(config: Config, work: (services: CliServices, url: string) => Promise<T>): Promise<T> {
  const server = await openDatabaseServer(config);
  const db = createDatabase(server.url, { max: 3 });
  // No jobs run in the command line: mail it queues waits in the outbox for the server's email job.
  const services: CliServices = { db, clock: createClock(config.now), config, notifyEmailQueued: async () => {} };
  try {
    await migrateToLatest(db);
    return await work(services, server.url);
  } finally {
    await db.destroy();
    await server.stop();
  }
}

/**
 * The database server a command works on, said first on standard error (which database; a warning
 * when a server runs on other data), so that nobody changes one database while looking at another.
 * LOG_LEVEL=silent keeps it quiet.
 */
function openDatabaseServer(config: Config) {
  if (config.logLevel !== "silent") for (const line of databaseNotice(config)) process.stderr.write(`${line}\n`);
  return connectDatabaseServer(config, () => {});
}

const program = new Command()
  .name("schakel")
  .description("Schakel: the partner and relationship CRM of a Sterk Techniekonderwijs region")
  .showHelpAfterError()
  .exitOverride();

program
  .command("start")
  .description("apply migrations, then serve (PORT, DATABASE_URL or the embedded PostgreSQL in DATA_DIR)")
  .action(async () => {
    await runServerUntilSignalled(readConfig());
  });

program
  .command("migrate")
  .description("apply pending migrations and exit")
  .action(async () => {
    const config = readConfig();
    const server = await openDatabaseServer(config);
    const db = createDatabase(server.url, { max: 1 });
    try {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
    } finally {
      await db.destroy();
      await server.stop();
    }
  });

const region = program.command("region").description("regions");
region
  .command("create")
  .description("create a region; prints its id")
  .requiredOption("--name <name>", 'the region\'s name, e.g. "STO Twente"')
  .requiredOption("--slug <slug>", "short name used in addresses and commands, e.g. twente")
  .option("--subregion <name...>", "subregions to create with it")
  .action(async (options: { name: string; slug: string; subregion?: string[] }) => {
    const config = readConfig();
    const input = parseInput(CreateRegionInput, { name: options.name, slug: options.slug, subregions: options.subregion ?? [] });
    const created = await withDatabase(config, (services) => runSystemChange(services, (trx, meta) => createRegion(trx, input, { actorId: null, now: meta.now })));
    console.log(created.id);
  });

const user = program.command("user").description("users");
user
  .command("create")
  .description("create a user; prints the id. Without --password an invitation email is queued")
  .requiredOption("--email <email>", "sign-in address")
  .requiredOption("--name <name>", "full name")
  .requiredOption("--role <role>", "admin | penvoerder | accounthouder | partner")
  .requiredOption("--region <slug>", "the region's slug")
  .option("--organisation <id>", "the organisation a partner user belongs to")
  .option("--password <password>", "set a password now (at least 10 characters) instead of inviting")
  .action(async (options: { email: string; name: string; role: string; region: string; organisation?: string; password?: string }) => {
    const config = readConfig();
    const input = parseInput(CreateUserInput, {
      email: options.email, name: options.name, role: options.role, organisationId: options.organisation, password: options.password,
    });
    const created = await withDatabase(config, async (services) => {
      const found = await findRegionBySlug(services.db, options.region);
      if (!found) throw new AppError("NOT_FOUND", `Unknown region "${options.region}"; create it with: schakel region create`);
      return runSystemChange(services, (trx, meta) => createUser(trx, { ...input, regionId: found.id }, meta));
    });
    if (!options.password) console.error(`An invitation to ${created.email} is in the email outbox.`);
    console.log(created.id);
  });

const token = program.command("token").description("API tokens");
token
  .command("create")
  .description("create an API token for a user; prints it (shown once) on the last line")
  .requiredOption("--email <email>", "the user's email address")
  .option("--name <name>", "what the token is for", "command line")
  .action(async (options: { email: string; name: string }) => {
    const config = readConfig();
    const created = await withDatabase(config, async ({ db }) => {
      const owner = await db.selectFrom("users").select(["id", "active"]).where("email", "=", options.email.trim().toLowerCase()).executeTakeFirst();
      if (!owner) throw new AppError("NOT_FOUND", `No user with email ${options.email}`);
      if (!owner.active) throw new AppError("RULE_VIOLATION", `The user ${options.email} is deactivated`);
      return createApiToken(db, { userId: owner.id, name: options.name.slice(0, 100), now: createClock(config.now).now() });
    });
    console.error(`Token "${created.name}" created; it is shown once:`);
    console.log(created.token);
  });

program
  .command("demo")
  .description("load the demo data set (STO Twente) into the configured database")
  .option("--scale <scale>", "region | national", "region")
  .action(async (options: { scale: string }) => {
    if (options.scale === "national") return loadNationalDemo(readConfig());
    if (options.scale !== "region") throw new AppError("VALIDATION_FAILED", `Unknown scale "${options.scale}"; use --scale region or --scale national`);
    const config = readConfig();
    const result = await withDatabase(config, async (services) => {
      const { loaded, now } = await runSystemChange(services, async (trx, meta) => ({ loaded: await loadDemo(trx, meta), now: meta.now }));
      // Health with a history from the start of last school year, so the trend chart has a story.
      const twente = await findRegionBySlug(services.db, "twente");
      // Fortnightly is fine grain for a chart over a school year, and loads in half the time of weekly.
      if (twente && !loaded.alreadyLoaded) await backfillHealthHistory(services.db, twente.id, schoolYearStart(toLocalDate(now), -1), now, 14);
      return loaded;
    });
    console.log(result.alreadyLoaded ? "The demo region STO Twente was already loaded. Sign in with:" : "Loaded STO Twente. Sign in with:");
    for (const account of result.accounts) console.log(`  ${account.role.padEnd(14)} ${account.email}  ${account.password}`);
    console.log(`  and with the same password the account holders ${result.accountHolders.join(", ")}`);
  });

/** The national data set of the performance bars (issue 7): 78 regions, bulk-loaded with COPY. */
async function loadNationalDemo(config: Config) {
  const now = createClock(config.now).now();
  const started = performance.now();
  const result = await withDatabase(config, ({ db }, url) => loadNational(db, url, { now, log: (line) => console.error(line) }));
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  console.log(result.alreadyLoaded ? "The national data set was already loaded. Sign in with:" : `Loaded the national data set in ${minutes} min. Sign in with:`);
  for (const account of result.accounts) console.log(`  ${account.role.padEnd(14)} ${account.email}  ${result.password}`);
  console.log(`  (every region nl-01 … nl-78 has the same accounts under @<slug>.schakel.demo)`);
  console.log(`  ${Object.entries(result.counts).map(([table, n]) => `${table} ${n.toLocaleString("en")}`).join(", ")}`);
}

program
  .command("backup")
  .description("write a consistent backup of the whole database to FILE (gzip)")
  .argument("<file>", "where to write the backup")
  .action(async (file: string) => {
    const config = readConfig();
    const server = await openDatabaseServer(config);
    try {
      const summary = await backupDatabase(server.url, file, createClock(config.now).now());
      const rows = summary.tables.reduce((sum, t) => sum + t.rows, 0);
      console.log(`Backed up ${summary.tables.length} tables, ${rows} rows, at migration ${summary.migrations.at(-1) ?? "(none)"}, to ${file}.`);
    } finally {
      await server.stop();
    }
  });

program
  .command("restore")
  .description("restore a backup from FILE into an empty database, then migrate it to this version")
  .argument("<file>", "a file written by schakel backup")
  .action(async (file: string) => {
    const config = readConfig();
    const server = await openDatabaseServer(config);
    try {
      const summary = await restoreIntoEmptyDatabase(server.url, file);
      const rows = summary.tables.reduce((sum, t) => sum + t.rows, 0);
      console.log(`Restored ${summary.tables.length} tables, ${rows} rows from ${file}.${summary.migratedAfter.length ? ` Then applied: ${summary.migratedAfter.join(", ")}.` : ""}`);
    } finally {
      await server.stop();
    }
  });

const health = program.command("health").description("relationship health");
health
  .command("recompute")
  .description("recompute relationship health now, for every region or one (a full run); --incremental runs what the nightly job runs")
  .option("--region <slug>", "only this region")
  .option("--incremental", "only the organisations due today, as the nightly job does")
  .action(async (options: { region?: string; incremental?: boolean }) => {
    const config = readConfig();
    if (options.incremental && options.region) throw new AppError("VALIDATION_FAILED", "--incremental runs for every region; leave out --region");
    const result = await withDatabase(config, async ({ db }) => {
      const found = options.region ? await findRegionBySlug(db, options.region) : undefined;
      if (options.region && !found) throw new AppError("NOT_FOUND", `No region with slug "${options.region}"`);
      const started = performance.now();
      const now = createClock(config.now).now();
      const outcome = options.incremental ? await recomputeDueHealth(db, now) : await recomputeHealth(db, found ? { regionId: found.id } : { all: true }, now);
      return { ...outcome, milliseconds: Math.round(performance.now() - started) };
    });
    console.log(`Recomputed ${result.organisations} organisations in ${result.milliseconds} ms: ${result.changed} changed state, ${result.tasksCreated} follow-up tasks created.`);
  });

const secretKey = program.command("secret-key").description("SCHAKEL_SECRET_KEY, which encrypts two-factor and single-sign-on secrets at rest");
secretKey
  .command("adopt")
  .description("only when the database's old key is lost for good: make the current SCHAKEL_SECRET_KEY its key; what the old one sealed stays unreadable")
  .action(async () => {
    const config = readConfig();
    const box = createSecretBox(loadSecretKey(config));
    const result = await withDatabase(config, ({ db }) => adoptSecretKey(db, box));
    console.log(`This ${SECRET_KEY_ENV} is now the database's key. Unreadable with it: ${result.unreadableTwoFactor} two-factor secret(s) (those users sign in with a recovery code and set up their app again), ${result.unreadableSingleSignOn} single-sign-on client secret(s) (enter them again under Beheer).`);
  });

const mail = program.command("mail").description("email capture");
mail
  .command("secret")
  .description("make a new inbound mail secret for a region; prints it (shown once) on the last line; the previous one stops working")
  .requiredOption("--region <slug>", "the region's slug")
  .action(async (options: { region: string }) => {
    const config = readConfig();
    const { secret } = await withDatabase(config, async (services) => {
      const found = await findRegionBySlug(services.db, options.region);
      if (!found) throw new AppError("NOT_FOUND", `No region with slug "${options.region}"`);
      return runSystemChange(services, (trx, meta) => issueInboundSecret(trx, found.id, meta));
    });
    console.error(`A new inbound mail secret for ${options.region}; it is shown once, and the previous one no longer works.`);
    console.error(`A mail provider relays each message as: POST ${config.appUrl}${INBOUND_MAIL_PATH}`);
    console.error("  with the headers  Authorization: Bearer <secret>  and  Content-Type: message/rfc822");
    console.log(secret);
  });

const sso = program.command("sso").description("signing in with the school's account (OpenID Connect) for a region's staff");
sso
  .command("set")
  .description("configure the region's identity provider (the client secret is stored encrypted and never printed)")
  .requiredOption("--region <slug>", "the region's slug")
  .requiredOption("--issuer <url>", "the issuer, e.g. https://login.microsoftonline.com/<tenant id>/v2.0 or https://accounts.google.com")
  .requiredOption("--client-id <id>", "the client (application) id registered at the provider")
  .requiredOption("--client-secret <secret>", "the client secret registered at the provider")
  .option("--domains <domains>", "email domains, comma-separated, e.g. school.nl,college.nl (required for Google and for --provision domain)")
  .option("--provision <mode>", "invited (only existing users) | domain (new accounts for the domains)", "invited")
  .option("--role <role>", "the role of accounts made under --provision domain: accounthouder | penvoerder", "accounthouder")
  .option("--label <label>", 'the button text: "Inloggen met <label>"')
  .option("--school-account-only", "staff may not sign in with a password any more (partners keep theirs)")
  .action(async (options: { region: string; issuer: string; clientId: string; clientSecret: string; domains?: string; provision: string; role: string; label?: string; schoolAccountOnly?: boolean }) => {
    const config = readConfig();
    const values = parseInput(OidcProviderInput, {
      issuer: options.issuer, clientId: options.clientId, clientSecret: options.clientSecret, domains: options.domains ?? [],
      provision: options.provision, role: options.role, label: options.label, schoolAccountOnly: options.schoolAccountOnly ?? false,
    });
    if (!values.clientSecret) throw new AppError("VALIDATION_FAILED", "--client-secret must not be empty");
    const box = createSecretBox(loadSecretKey(config));
    const saved = await withDatabase(config, async (services) => {
      const found = await findRegionBySlug(services.db, options.region);
      if (!found) throw new AppError("NOT_FOUND", `No region with slug "${options.region}"`);
      return runSystemChange(services, (trx, meta) => saveOidcProvider(trx, box, found.id, values, { actorId: null, now: meta.now }));
    });
    console.error(`Staff of ${options.region} can now sign in with "${saved.label}". Register this redirect address at the provider: ${config.appUrl}/auth/oidc/callback`);
    printProvider(saved);
  });
sso
  .command("show")
  .description("show the region's identity provider (never the secret)")
  .requiredOption("--region <slug>", "the region's slug")
  .action(async (options: { region: string }) => {
    const config = readConfig();
    const found = await withDatabase(config, async ({ db }) => {
      const region = await findRegionBySlug(db, options.region);
      if (!region) throw new AppError("NOT_FOUND", `No region with slug "${options.region}"`);
      return findOidcProvider(db, region.id);
    });
    if (!found) throw new AppError("NOT_FOUND", `The region ${options.region} has no identity provider; set one with: schakel sso set`);
    printProvider(found);
  });
sso
  .command("remove")
  .description("remove the region's identity provider: its staff sign in with a password again")
  .requiredOption("--region <slug>", "the region's slug")
  .action(async (options: { region: string }) => {
    const config = readConfig();
    const removed = await withDatabase(config, async (services) => {
      const region = await findRegionBySlug(services.db, options.region);
      if (!region) throw new AppError("NOT_FOUND", `No region with slug "${options.region}"`);
      return runSystemChange(services, (trx, meta) => removeOidcProvider(trx, region.id, { actorId: null, now: meta.now }));
    });
    if (!removed) throw new AppError("NOT_FOUND", `The region ${options.region} has no identity provider`);
    console.log(`Removed the identity provider of ${options.region}; its staff sign in with a password.`);
  });

function printProvider(p: Awaited<ReturnType<typeof findOidcProvider>> & object) {
  console.log(`issuer:              ${p.issuer}`);
  console.log(`client id:           ${p.clientId}`);
  console.log("client secret:       (stored encrypted; not shown)");
  console.log(`label:               ${p.label}`);
  console.log(`domains:             ${p.domains.join(", ") || "(none)"}`);
  console.log(`provision:           ${p.provision}${p.provision === "domain" ? ` (new accounts get the role ${p.role})` : ""}`);
  console.log(`school account only: ${p.schoolAccountOnly ? "yes" : "no"}`);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  process.stderr.write(`schakel: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
