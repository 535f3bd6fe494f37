import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Plans (decision 135): per region one template per turnover event, each a list of steps (a title, who
// does it, a due date in school days from the start). A plan is started on an organisation from its
// template; its steps become tasks linked to it, so they show in everyone's task list as they are.
// At most one plan per event runs on an organisation. The template's steps are copied into the tasks at the start,
// so editing a template never changes a running plan.

const DEFAULTS: Array<{ event: string; steps: Array<[string, string, number]> }> = [
  {
    event: "contact_left",
    steps: [
      ["Vraag wie het werk van de vertrokken contactpersoon overneemt", "owner", 2],
      ["Maak kennis met de nieuwe contactpersoon en leg het contactmoment vast", "owner", 10],
      ["Werk de contactpersonen en lopende afspraken bij", "owner", 15],
      ["Bespreek de relatie in het regio-overleg", "coordinator", 20],
    ],
  },
  {
    event: "new_owner",
    steps: [
      ["Lees de geschiedenis van de relatie door", "owner", 2],
      ["Stel je voor aan de contactpersoon", "owner", 5],
      ["Plan een kennismakingsbezoek", "owner", 15],
      ["Laat de coördinator weten dat de overdracht rond is", "coordinator", 20],
    ],
  },
  {
    event: "new_partner",
    steps: [
      ["Leg de contactpersonen en de eerste afspraken vast", "owner", 3],
      ["Stuur een welkomstmail met wat de regio doet", "owner", 5],
      ["Plan een eerste activiteit: gastles, bedrijfsbezoek of stage", "owner", 20],
      ["Registreer de samenwerking voor de verantwoording", "penvoerder", 20],
    ],
  },
  {
    event: "relationship_cold",
    steps: [
      ["Neem contact op en leg het contactmoment vast", "owner", 3],
      ["Zoek een tweede contactpersoon", "owner", 10],
      ["Bespreek met de coördinator of de relatie nog past", "coordinator", 15],
    ],
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table plan_templates (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      event text not null check (event in ('contact_left', 'new_owner', 'new_partner', 'relationship_cold')),
      version integer not null default 1,
      updated_at timestamptz not null default now(),
      unique (region_id, event)
    )`.execute(db);
  await sql`
    create table plan_template_steps (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      template_id uuid not null references plan_templates(id) on delete cascade,
      position integer not null check (position between 1 and 20),
      title text not null check (length(title) between 1 and 300),
      role text not null check (role in ('owner', 'coordinator', 'penvoerder')),
      due_school_days integer not null check (due_school_days between 0 and 200),
      unique (template_id, position)
    )`.execute(db);
  await sql`
    create table plans (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      organisation_id uuid not null references organisations(id),
      event text not null check (event in ('contact_left', 'new_owner', 'new_partner', 'relationship_cold')),
      started_by uuid references users(id),
      start_date date not null,
      started_at timestamptz not null,
      status text not null default 'running' check (status in ('running', 'completed', 'recovered')),
      ended_at timestamptz,
      version integer not null default 1,
      check ((status = 'running') = (ended_at is null))
    )`.execute(db);
  // One running plan per organisation and event: the same event again while its plan runs adds nothing.
  await sql`create unique index plans_one_running on plans (organisation_id, event) where status = 'running'`.execute(db);
  await sql`create index plans_by_organisation on plans (organisation_id, started_at desc)`.execute(db);
  for (const table of ["plan_templates", "plan_template_steps", "plans"]) {
    await sql`select enable_region_row_security(${table}::regclass)`.execute(db);
  }

  await sql`alter table tasks add column plan_id uuid references plans(id) on delete cascade`.execute(db);
  await sql`alter table tasks add column plan_position integer`.execute(db);
  await sql`alter table tasks add column plan_role text check (plan_role in ('owner', 'coordinator', 'penvoerder'))`.execute(db);
  // Why a task was closed without being done: its plan ended because the relationship is healthy again.
  await sql`alter table tasks add column closed_reason text check (closed_reason in ('relationship_healthy'))`.execute(db);
  await sql`create index tasks_by_plan on tasks (plan_id) where plan_id is not null`.execute(db);
  await sql`alter table tasks drop constraint tasks_source_check`.execute(db);
  await sql`alter table tasks add constraint tasks_source_check check (source in ('manual', 'handover', 'health', 'contact_joined', 'plan'))`.execute(db);

  // Every existing region gets the default templates (a new region gets them when it is created).
  for (const template of DEFAULTS) {
    await sql`insert into plan_templates (region_id, event) select id, ${template.event} from regions`.execute(db);
    for (const [index, [title, role, days]] of template.steps.entries()) {
      await sql`
        insert into plan_template_steps (region_id, template_id, position, title, role, due_school_days)
        select region_id, id, ${index + 1}, ${title}, ${role}, ${days} from plan_templates where event = ${template.event}`.execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from tasks where source = 'plan'`.execute(db);
  await sql`alter table tasks drop constraint tasks_source_check`.execute(db);
  await sql`alter table tasks add constraint tasks_source_check check (source in ('manual', 'handover', 'health', 'contact_joined'))`.execute(db);
  await sql`alter table tasks drop column closed_reason, drop column plan_role, drop column plan_position, drop column plan_id`.execute(db);
  await sql`drop table plans`.execute(db);
  await sql`drop table plan_template_steps`.execute(db);
  await sql`drop table plan_templates`.execute(db);
}
