/** Activities: named queues that external workers poll. */
import type Database from "better-sqlite3";
import type { Page, PageRequest } from "../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../paging.js";

type Activity = { arn: string; name: string; createdAt: number };
type Row = { arn: string; name: string; created_at: number };

const fromRow = (row: Row): Activity => ({
  arn: row.arn,
  name: row.name,
  createdAt: row.created_at,
});

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
      return row && fromRow(row);
    },
    listActivities(page: PageRequest): Page<Activity> {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = (list.all(after, page.limit + 1) as Row[]).map(fromRow);
      return pageOf(rows, page.limit, (last) => last.arn);
    },
  };
}
