import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// A done activity counts as contact (DESIGN.md): each organisation's last contact is now the later
// of its last live contact moment and the end of its last done, live activity. One function
// recounts it for a set of organisations; the triggers of interactions, activities and
// activity_organisations call it for the organisations a statement touched.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function last_contact_on(org uuid, as_of date) returns date language sql stable as $$
      select greatest(
        (select max(i.date) from interactions i where i.organisation_id = org and i.archived_at is null and i.date <= as_of),
        (select max(a.end_date) from activity_organisations ao join activities a on a.id = ao.activity_id
          where ao.organisation_id = org and a.status = 'done' and a.archived_at is null and a.end_date <= as_of))
    $$`.execute(db);
  await sql`
    create function recount_last_contact(orgs uuid[]) returns void language sql as $$
      with latest as (
        select o as organisation_id,
          greatest(
            (select max(i.date) from interactions i where i.organisation_id = o and i.archived_at is null),
            (select max(a.end_date) from activity_organisations ao join activities a on a.id = ao.activity_id
              where ao.organisation_id = o and a.status = 'done' and a.archived_at is null)) as last_date
        from unnest(orgs) as o
      ),
      removed as (
        delete from organisation_last_contact c using latest l where c.organisation_id = l.organisation_id and l.last_date is null
      )
      insert into organisation_last_contact (organisation_id, last_date)
      select organisation_id, last_date from latest where last_date is not null
      on conflict (organisation_id) do update set last_date = excluded.last_date
    $$`.execute(db);

  // Interactions: updates and deletes recount through the shared function (inserts keep their fast path).
  await sql`
    create or replace function organisation_last_contact_recount() returns trigger language plpgsql as $$
    begin
      perform recount_last_contact(array(select organisation_id from old_rows union select organisation_id from new_rows));
      return null;
    end $$`.execute(db);
  await sql`
    create or replace function organisation_last_contact_after_delete() returns trigger language plpgsql as $$
    begin
      perform recount_last_contact(array(select distinct organisation_id from old_rows));
      return null;
    end $$`.execute(db);

  // Activities: a status, date or archive change recounts every organisation taking part.
  await sql`
    create function activities_last_contact_recount() returns trigger language plpgsql as $$
    begin
      perform recount_last_contact(array(
        select distinct ao.organisation_id from activity_organisations ao
        where ao.activity_id in (select id from new_rows union select id from old_rows)));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger activities_last_contact_update after update on activities
    referencing old table as old_rows new table as new_rows for each statement execute function activities_last_contact_recount()`.execute(db);
  await sql`
    create function activity_organisations_last_contact_insert() returns trigger language plpgsql as $$
    begin
      perform recount_last_contact(array(select distinct organisation_id from new_rows));
      return null;
    end $$`.execute(db);
  await sql`
    create function activity_organisations_last_contact_delete() returns trigger language plpgsql as $$
    begin
      perform recount_last_contact(array(select distinct organisation_id from old_rows));
      return null;
    end $$`.execute(db);
  await sql`
    create function activity_organisations_last_contact_update() returns trigger language plpgsql as $$
    begin
      perform recount_last_contact(array(select organisation_id from old_rows union select organisation_id from new_rows));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger activity_organisations_last_contact_insert after insert on activity_organisations
    referencing new table as new_rows for each statement execute function activity_organisations_last_contact_insert()`.execute(db);
  await sql`
    create trigger activity_organisations_last_contact_delete after delete on activity_organisations
    referencing old table as old_rows for each statement execute function activity_organisations_last_contact_delete()`.execute(db);
  await sql`
    create trigger activity_organisations_last_contact_update after update on activity_organisations
    referencing old table as old_rows new table as new_rows for each statement execute function activity_organisations_last_contact_update()`.execute(db);

  await sql`select recount_last_contact(array(select distinct organisation_id from activity_organisations))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ["activity_organisations_last_contact_update", "activity_organisations_last_contact_delete", "activity_organisations_last_contact_insert"]) {
    await sql.raw(`drop trigger if exists ${trigger} on activity_organisations`).execute(db);
  }
  await sql`drop trigger if exists activities_last_contact_update on activities`.execute(db);
  for (const fn of ["activity_organisations_last_contact_update", "activity_organisations_last_contact_delete", "activity_organisations_last_contact_insert", "activities_last_contact_recount"]) {
    await sql.raw(`drop function if exists ${fn}()`).execute(db);
  }
  // Interactions go back to recounting from contact moments alone (as in 2026_11_23_1500).
  await sql`
    create or replace function organisation_last_contact_recount() returns trigger language plpgsql as $$
    begin
      with touched as (select organisation_id from old_rows union select organisation_id from new_rows),
      latest as (
        select t.organisation_id, (select max(i.date) from interactions i where i.organisation_id = t.organisation_id and i.archived_at is null) as last_date
        from touched t),
      removed as (delete from organisation_last_contact c using latest l where c.organisation_id = l.organisation_id and l.last_date is null)
      insert into organisation_last_contact (organisation_id, last_date) select organisation_id, last_date from latest where last_date is not null
      on conflict (organisation_id) do update set last_date = excluded.last_date;
      return null;
    end $$`.execute(db);
  await sql`
    create or replace function organisation_last_contact_after_delete() returns trigger language plpgsql as $$
    begin
      with latest as (
        select t.organisation_id, (select max(i.date) from interactions i where i.organisation_id = t.organisation_id and i.archived_at is null) as last_date
        from (select distinct organisation_id from old_rows) t),
      removed as (delete from organisation_last_contact c using latest l where c.organisation_id = l.organisation_id and l.last_date is null)
      update organisation_last_contact c set last_date = l.last_date from latest l where c.organisation_id = l.organisation_id and l.last_date is not null;
      return null;
    end $$`.execute(db);
  await sql`drop function if exists recount_last_contact(uuid[])`.execute(db);
  await sql`drop function if exists last_contact_on(uuid, date)`.execute(db);
}
