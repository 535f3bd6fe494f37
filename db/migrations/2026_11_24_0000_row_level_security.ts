import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Issue 8, item 1 (defence in depth, decision 073): a request served for a signed-in user runs its
// queries as the role `schakel_request`, and PostgreSQL row-level security lets that role see and
// write only the rows of the region named in the setting `schakel.region_id`. A query that forgets
// its `where region_id = …` then still returns nothing of another region. The role the app logs in
// as (a superuser with the embedded server; the tables' owner otherwise) has no policy and keeps
// seeing everything, so jobs, the CLI, migrations and sign-in work as before.
//
// `enable_region_row_security(table)` is the one place the policy is written: a later migration
// that adds a table with a region_id column calls it (tests/integration/row-level-security.test.ts
// fails for a region-scoped table without row-level security).
export async function up(db: Kysely<any>): Promise<void> {
  // Roles belong to the whole cluster, not one database: the role may exist already (another
  // database of the same server, test databases migrating side by side, or made by an operator
  // because the login role may not create roles — docs/production.md). Creating it needs CREATEROLE,
  // so it is created only when missing.
  await sql`
    do $$
    begin
      if not exists (select from pg_roles where rolname = 'schakel_request') then
        create role schakel_request nologin;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`.execute(db);
  // The app switches to the role with SET ROLE, which needs membership unless it is a superuser;
  // granted here only when missing, since granting needs the role's ADMIN OPTION. From PostgreSQL 16
  // membership may exist without the right to SET ROLE (the ADMIN-only grant a CREATEROLE role gets
  // for a role it creates): that right is what is asked for.
  await sql`
    do $$
    declare
      may_set boolean;
    begin
      if (select rolsuper from pg_roles where rolname = current_user) then
        return;
      end if;
      if current_setting('server_version_num')::int >= 160000 then
        may_set := pg_has_role(current_user, 'schakel_request', 'SET');
      else
        may_set := pg_has_role(current_user, 'schakel_request', 'MEMBER');
      end if;
      if not may_set then
        execute format('grant schakel_request to %I', current_user);
      end if;
    end $$`.execute(db);

  await sql`grant usage on schema public to schakel_request`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema public to schakel_request`.execute(db);
  await sql`grant usage, select on all sequences in schema public to schakel_request`.execute(db);
  // Tables and sequences later migrations create (as this same user) are granted without anyone remembering.
  await sql`alter default privileges in schema public grant select, insert, update, delete on tables to schakel_request`.execute(db);
  await sql`alter default privileges in schema public grant usage, select on sequences to schakel_request`.execute(db);

  // `nullif(…, '')`: with no region set the comparison is null, so the role sees nothing rather than failing.
  await sql`
    create function enable_region_row_security(target regclass) returns void language plpgsql as $$
    begin
      execute format('alter table %s enable row level security', target);
      execute format('drop policy if exists region_scope on %s', target);
      execute format($p$create policy region_scope on %s to schakel_request
        using (region_id = nullif(current_setting('schakel.region_id', true), '')::uuid)
        with check (region_id = nullif(current_setting('schakel.region_id', true), '')::uuid)$p$, target);
    end $$`.execute(db);

  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'region_id' and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    order by c.relname`.execute(db);
  for (const { name } of tables.rows) {
    await sql`select enable_region_row_security(${name}::regclass)`.execute(db);
  }

  // An activity another region opened to this one is read (never written) by it (listSharedActivities).
  await sql`
    create policy shared_with_region on activities for select to schakel_request
    using (nullif(current_setting('schakel.region_id', true), '')::uuid = any(shared_with_region_ids))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop policy if exists shared_with_region on activities`.execute(db);
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'region_scope')`.execute(db);
  for (const { name } of tables.rows) {
    await sql.raw(`drop policy if exists region_scope on "${name}"`).execute(db);
    await sql.raw(`alter table "${name}" disable row level security`).execute(db);
  }
  await sql`drop function if exists enable_region_row_security(regclass)`.execute(db);
  await sql`alter default privileges in schema public revoke select, insert, update, delete on tables from schakel_request`.execute(db);
  await sql`alter default privileges in schema public revoke usage, select on sequences from schakel_request`.execute(db);
  await sql`revoke all on all tables in schema public from schakel_request`.execute(db);
  await sql`revoke all on all sequences in schema public from schakel_request`.execute(db);
  await sql`revoke usage on schema public from schakel_request`.execute(db);
  // The role stays: other databases of the same server may still use it.
}
