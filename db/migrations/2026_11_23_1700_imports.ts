import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Imports of organisations with their people (issue 3, item 8). The uploaded file is kept here,
// parsed, between the steps of the import (mapping, preview, commit); after the commit or after
// 24 hours its rows are removed and the record stays as the import's history.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table imports (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      user_id uuid references users(id),
      kind text not null default 'organisations' check (kind in ('organisations')),
      file_name text not null check (length(file_name) between 1 and 255),
      status text not null default 'staged' check (status in ('staged', 'committing', 'committed')),
      headers jsonb not null,
      rows jsonb,
      mapping jsonb,
      mapping_confirmed boolean not null default false,
      row_count integer not null,
      progress_done integer not null default 0,
      progress_total integer not null default 0,
      counts jsonb,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      committed_at timestamptz
    )`.execute(db);
  await sql`create index imports_region_idx on imports (region_id, created_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("imports").ifExists().execute();
}
