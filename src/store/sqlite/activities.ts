/** Activities: named queues that external workers poll. */
import type Database from "better-sqlite3";
import type { Page, PageRequest } from "../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../paging.js";
import { type ActivityRecord, activityFromRow } from "../rows/workflows.js";

type Row = { arn: string; name: string; created_at: number };

/** The activity operations of the SQLite store. */
export function activityQueries(db: Database.Database) {
  const insert = db.prepare(
    "INSERT INTO activities (arn, name, tags, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (arn) DO NOTHING",
  );
  const get = db.prepare("SELECT * FROM activities WHERE arn = ?");
  const remove = db.prepare("DELETE FROM activities WHERE arn = ?");
  const list = db.prepare("SELECT * FROM activities WHERE arn > ? ORDER BY arn LIMIT ?");
  return {
    // CreateActivity is idempotent: creating an existing activity returns it.
    createActivity: db.transaction(
      (arn: string, name: string, now: number, tags?: Record<string, string>) => {
        insert.run(arn, name, tags ? JSON.stringify(tags) : null, now);
        const row = get.get(arn) as Row;
        return { arn: row.arn, createdAt: row.created_at };
      },
    ),
    deleteActivity: (arn: string) => remove.run(arn).changes > 0,
    getActivity: (arn: string) => {
      const row = get.get(arn) as Row | undefined;
      return row && activityFromRow(row);
    },
    listActivities(page: PageRequest): Page<ActivityRecord> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = (list.all(after, page.limit + 1) as Row[]).map(activityFromRow);
      return pageOf(rows, page.limit, (last) => last.arn);
    },
  };
}
