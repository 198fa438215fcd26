import { sql } from 'kysely';
import type { MigrationContext } from '../migrator.js';

/**
 * Chorus (range 0100–0199): consecutive failed sync passes and when the streak began, so tenant
 * admins are alerted once per streak after repeated failures.
 */
export async function up({ db }: MigrationContext): Promise<void> {
  await sql`
alter table chorus_connectors add column failure_streak integer not null default 0;
alter table chorus_connectors add column failing_since timestamptz;
`.execute(db);
}
