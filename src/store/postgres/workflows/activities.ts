/** Activities: named queues that external workers poll. */
import type { PageRequest } from "../../paging.js";
import { decodePageToken, isStringKey, pageOf } from "../../paging.js";
import { activityFromRow } from "../../rows/workflows.js";
import type { WorkflowStore } from "../../workflows-port.js";
import type { PostgresDatabase } from "../database.js";

type Row = { arn: string; name: string; created_at: number };

/** The activity operations of the PostgreSQL workflow store. */
export function activityQueries(
  db: PostgresDatabase,
): Pick<WorkflowStore, "createActivity" | "deleteActivity" | "getActivity" | "listActivities"> {
  return {
    // CreateActivity is idempotent: creating an existing activity returns it.
    createActivity: (arn, name, now, tags) =>
      db.transaction(async (tx) => {
        await tx.run(
          "INSERT INTO activities (arn, name, tags, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (arn) DO NOTHING",
          [arn, name, tags ? JSON.stringify(tags) : null, now],
        );
        const row = await tx.row<Row>("SELECT * FROM activities WHERE arn = $1", [arn]);
        if (!row) throw new Error(`Activity ${arn} vanished while it was created`);
        return { arn: row.arn, createdAt: row.created_at };
      }),
    async deleteActivity(arn) {
      return (await db.run("DELETE FROM activities WHERE arn = $1", [arn])) > 0;
    },
    async getActivity(arn) {
      const row = await db.row<Row>("SELECT * FROM activities WHERE arn = $1", [arn]);
      return row && activityFromRow(row);
    },
    async listActivities(page: PageRequest) {
      const after = page.nextToken ? decodePageToken(page.nextToken, isStringKey) : "";
      const rows = await db.rows<Row>(
        "SELECT * FROM activities WHERE arn > $1 ORDER BY arn LIMIT $2",
        [after, page.limit + 1],
      );
      return pageOf(rows.map(activityFromRow), page.limit, (last) => last.arn);
    },
  };
}
