import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Each organisation's latest live contact moment, kept by statement-level triggers so that every
// write path (forms, API, imports, merges, bulk loads) keeps it right and a nightly health run
// over forty thousand organisations reads one small table instead of a million and a half rows.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table organisation_last_contact (
      organisation_id uuid primary key references organisations(id),
      last_date date not null
    )`.execute(db);
  await sql`
    insert into organisation_last_contact (organisation_id, last_date)
    select organisation_id, max(date) from interactions where archived_at is null group by organisation_id`.execute(db);

  // New contact moments can only move the date forward.
  await sql`
    create function organisation_last_contact_after_insert() returns trigger language plpgsql as $$
    begin
      insert into organisation_last_contact (organisation_id, last_date)
      select organisation_id, max(date) from inserted where archived_at is null group by organisation_id
      on conflict (organisation_id) do update set last_date = greatest(organisation_last_contact.last_date, excluded.last_date);
      return null;
    end $$`.execute(db);
  // An archived, moved (merge) or re-dated contact moment: recount the organisations it touched.
  await sql`
    create function organisation_last_contact_recount() returns trigger language plpgsql as $$
    begin
      with touched as (
        select organisation_id from old_rows
        union
        select organisation_id from new_rows
      ),
      latest as (
        select t.organisation_id,
          (select max(i.date) from interactions i where i.organisation_id = t.organisation_id and i.archived_at is null) as last_date
        from touched t
      ),
      removed as (
        delete from organisation_last_contact c using latest l where c.organisation_id = l.organisation_id and l.last_date is null
      )
      insert into organisation_last_contact (organisation_id, last_date)
      select organisation_id, last_date from latest where last_date is not null
      on conflict (organisation_id) do update set last_date = excluded.last_date;
      return null;
    end $$`.execute(db);
  await sql`
    create function organisation_last_contact_after_delete() returns trigger language plpgsql as $$
    begin
      with latest as (
        select t.organisation_id,
          (select max(i.date) from interactions i where i.organisation_id = t.organisation_id and i.archived_at is null) as last_date
        from (select distinct organisation_id from old_rows) t
      ),
      removed as (
        delete from organisation_last_contact c using latest l where c.organisation_id = l.organisation_id and l.last_date is null
      )
      update organisation_last_contact c set last_date = l.last_date from latest l where c.organisation_id = l.organisation_id and l.last_date is not null;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger interactions_last_contact_insert after insert on interactions
    referencing new table as inserted for each statement execute function organisation_last_contact_after_insert()`.execute(db);
  await sql`
    create trigger interactions_last_contact_update after update on interactions
    referencing old table as old_rows new table as new_rows for each statement execute function organisation_last_contact_recount()`.execute(db);
  await sql`
    create trigger interactions_last_contact_delete after delete on interactions
    referencing old table as old_rows for each statement execute function organisation_last_contact_after_delete()`.execute(db);

  // The health computation's other lookups: archived people are few, so an anti-join on them is cheap.
  await sql`create index people_archived_idx on people (id) where archived_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists people_archived_idx`.execute(db);
  await sql`drop trigger if exists interactions_last_contact_delete on interactions`.execute(db);
  await sql`drop trigger if exists interactions_last_contact_update on interactions`.execute(db);
  await sql`drop trigger if exists interactions_last_contact_insert on interactions`.execute(db);
  await sql`drop function if exists organisation_last_contact_after_delete()`.execute(db);
  await sql`drop function if exists organisation_last_contact_recount()`.execute(db);
  await sql`drop function if exists organisation_last_contact_after_insert()`.execute(db);
  await db.schema.dropTable("organisation_last_contact").ifExists().execute();
}
