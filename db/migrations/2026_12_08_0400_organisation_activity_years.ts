import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Decision 148: the health rule "activities last school year, none this year" (activity_stopped)
// read every organisation's activity links on each full recompute (600,000 nationally, a third of
// its time). This table holds, per organisation and school year (by its first day, 1 August), how
// many of its live activities are done and planned; only years with one of either have a row.
// Statement-level triggers on activities and activity_organisations recount the organisations a
// statement touched, as they keep organisation_last_contact (2026_11_23_1900), so every write path
// (forms, API, imports, merges, a hand-written statement) keeps it right.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table organisation_activity_years (
      organisation_id uuid not null references organisations(id),
      school_year date not null,
      done int not null,
      planned int not null,
      primary key (organisation_id, school_year)
    )`.execute(db);
  // The full run reads two school years of the whole country: by year, from the index alone.
  await sql`create index organisation_activity_years_year_idx on organisation_activity_years (school_year, organisation_id) include (done)`.execute(db);

  // The recount of a set of organisations. The health recompute's lock (health.compute.ts,
  // HEALTH_LOCK_KEY) is taken first and the counting statement comes after it, with its own snapshot:
  // two transactions changing one organisation's activities at once then count one after the other,
  // the second seeing the first's committed links, so neither writes a count the other made stale.
  // (Every activity write recomputes health right after, under the same lock, so it waits no longer.)
  // It runs as its owner, as the nightly run reads: a request's region-scoped role (row-level
  // security) would count only its own region's activities of an organisation.
  await sql`
    create function recount_activity_years(orgs uuid[]) returns void language plpgsql
    security definer set search_path = public, pg_temp as $$
    begin
      if cardinality(orgs) = 0 then
        return;
      end if;
      perform pg_advisory_xact_lock(7361201);
      with counted as (
        select ao.organisation_id, school_year_start(a.start_date) as school_year,
          (count(distinct a.id) filter (where a.status = 'done'))::int as done,
          (count(distinct a.id) filter (where a.status = 'planned'))::int as planned
        from activity_organisations ao
        join activities a on a.id = ao.activity_id
        where ao.organisation_id = any(orgs) and a.archived_at is null and a.status in ('done', 'planned')
        group by 1, 2
      ),
      removed as (
        delete from organisation_activity_years y
        where y.organisation_id = any(orgs)
          and not exists (select 1 from counted c where c.organisation_id = y.organisation_id and c.school_year = y.school_year)
      )
      insert into organisation_activity_years as y (organisation_id, school_year, done, planned)
      select organisation_id, school_year, done, planned from counted
      on conflict (organisation_id, school_year) do update set done = excluded.done, planned = excluded.planned
        where (y.done, y.planned) is distinct from (excluded.done, excluded.planned);
    end $$`.execute(db);

  // Activities: a change of status, start date or archiving recounts every organisation taking part.
  // (An activity is inserted before its links and cannot be deleted while it has any.)
  await sql`
    create function activities_activity_years_update() returns trigger language plpgsql as $$
    begin
      perform recount_activity_years(array(
        select distinct ao.organisation_id
        from new_rows n
        join old_rows o on o.id = n.id
        join activity_organisations ao on ao.activity_id = n.id
        where (n.status, n.start_date, n.archived_at) is distinct from (o.status, o.start_date, o.archived_at)));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger activities_activity_years_update after update on activities
    referencing old table as old_rows new table as new_rows for each statement execute function activities_activity_years_update()`.execute(db);

  // Links: added, removed or moved (a merge) recount the organisations on either side.
  await sql`
    create function activity_organisations_activity_years_insert() returns trigger language plpgsql as $$
    begin
      perform recount_activity_years(array(select distinct organisation_id from new_rows));
      return null;
    end $$`.execute(db);
  await sql`
    create function activity_organisations_activity_years_delete() returns trigger language plpgsql as $$
    begin
      perform recount_activity_years(array(select distinct organisation_id from old_rows));
      return null;
    end $$`.execute(db);
  await sql`
    create function activity_organisations_activity_years_update() returns trigger language plpgsql as $$
    begin
      perform recount_activity_years(array(select organisation_id from old_rows union select organisation_id from new_rows));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger activity_organisations_activity_years_insert after insert on activity_organisations
    referencing new table as new_rows for each statement execute function activity_organisations_activity_years_insert()`.execute(db);
  await sql`
    create trigger activity_organisations_activity_years_delete after delete on activity_organisations
    referencing old table as old_rows for each statement execute function activity_organisations_activity_years_delete()`.execute(db);
  await sql`
    create trigger activity_organisations_activity_years_update after update on activity_organisations
    referencing old table as old_rows new table as new_rows for each statement execute function activity_organisations_activity_years_update()`.execute(db);

  // Filled set-based from the same definition (a bulk load rebuilds it the same way: db/seed/national.ts).
  await sql`
    insert into organisation_activity_years (organisation_id, school_year, done, planned)
    select ao.organisation_id, school_year_start(a.start_date),
      (count(distinct a.id) filter (where a.status = 'done'))::int, (count(distinct a.id) filter (where a.status = 'planned'))::int
    from activity_organisations ao
    join activities a on a.id = ao.activity_id
    where a.archived_at is null and a.status in ('done', 'planned')
    group by 1, 2`.execute(db);
  await sql`analyze organisation_activity_years`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ["activity_organisations_activity_years_update", "activity_organisations_activity_years_delete", "activity_organisations_activity_years_insert"]) {
    await sql.raw(`drop trigger if exists ${trigger} on activity_organisations`).execute(db);
  }
  await sql`drop trigger if exists activities_activity_years_update on activities`.execute(db);
  for (const fn of ["activity_organisations_activity_years_update", "activity_organisations_activity_years_delete", "activity_organisations_activity_years_insert", "activities_activity_years_update"]) {
    await sql.raw(`drop function if exists ${fn}()`).execute(db);
  }
  await sql`drop function if exists recount_activity_years(uuid[])`.execute(db);
  await db.schema.dropTable("organisation_activity_years").ifExists().execute();
}
