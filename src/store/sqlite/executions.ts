/** Executions: start (idempotent by name), read, list, history, stop requests and redrive. */
import type Database from "better-sqlite3";
import { StoreConflictError } from "../errors.js";
import type { Page, PageRequest } from "../paging.js";
import { decodePageToken, isTimeArnKey, pageOf } from "../paging.js";
import { executionFromRow, historyFromRow } from "../rows/workflows.js";
import type {
  ExecutionFilter,
  ExecutionRecord,
  HistoryEventRecord,
  NewExecution,
} from "../workflows-port.js";
import { historyInserter } from "./history-insert.js";
import { statusOutboxQueries } from "./status-outbox.js";
import { teamAdmission } from "./teams.js";

type Row = Record<string, unknown>;

/** The execution operations of the SQLite store. */
export function executionQueries(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO executions (arn, state_machine_arn, qualified_arn, name, status, input, definition, role_arn,
       started_at, redrive_count, parent_task_token, next_event_id, wake_at)
     VALUES (@arn, @stateMachineArn, @qualifiedArn, @name, @status, @input, @definition, @roleArn,
       @startedAt, @redriveCount, @parentTaskToken, @nextEventId, @startedAt)`,
  );
  const insertState = db.prepare(
    "INSERT INTO execution_states (execution_id, state) VALUES (?, ?)",
  );
  const appendHistory = historyInserter(db);
  const get = db.prepare("SELECT * FROM executions WHERE arn = ?");
  const admitToTeam = teamAdmission(db);
  const outbox = statusOutboxQueries(db);
  const stop = db.prepare(
    `UPDATE executions SET stop_requested = 1, stop_error = ?, stop_cause = ?, wake_at = ?
     WHERE arn = ? AND status = 'RUNNING'`,
  );

  const start = db.transaction(
    (execution: NewExecution): { record: ExecutionRecord; created: boolean } => {
      const { record } = execution;
      // The ARN is made of the machine's name and the execution's: one name, one ARN.
      const existing = get.get(record.arn) as Row | undefined;
      if (existing) return { record: executionFromRow(existing), created: false };
      const { lastInsertRowid } = insert.run({
        ...record,
        qualifiedArn: record.qualifiedArn ?? null,
        parentTaskToken: record.parentTaskToken ?? null,
        nextEventId: execution.events.length + 1,
      });
      insertState.run(lastInsertRowid, execution.state);
      appendHistory(lastInsertRowid, execution.events);
      if (execution.statusEvent) outbox.add(execution.statusEvent);
      // Throws when over the team's quota: this transaction then leaves nothing behind.
      if (execution.team) admitToTeam(execution.team, record.arn, record.startedAt);
      return { record, created: true };
    },
  );

  return {
    startExecution: start,
    getExecution: (arn: string) => {
      const row = get.get(arn) as Row | undefined;
      return row && executionFromRow(row);
    },
    listExecutions(filter: ExecutionFilter, page: PageRequest): Page<ExecutionRecord> {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (filter.stateMachineArn) {
        where.push("state_machine_arn = ?");
        args.push(filter.stateMachineArn);
      }
      if (filter.status) {
        where.push("status = ?");
        args.push(filter.status);
      }
      if (page.nextToken) {
        const [time, arn] = decodePageToken(page.nextToken, isTimeArnKey);
        where.push("(started_at < ? OR (started_at = ? AND arn > ?))");
        args.push(time, time, arn);
      }
      const sql = `SELECT * FROM executions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY started_at DESC, arn LIMIT ?`;
      const rows = (db.prepare(sql).all(...args, page.limit + 1) as Row[]).map(executionFromRow);
      return pageOf(rows, page.limit, (last) => [last.startedAt, last.arn]);
    },
    getHistory(
      arn: string,
      options: { page: PageRequest; reverse: boolean },
    ): Page<HistoryEventRecord> {
      const { page, reverse } = options;
      const from = page.nextToken
        ? decodePageToken(page.nextToken, (v): v is number => typeof v === "number")
        : undefined;
      const sql = reverse
        ? `SELECT * FROM execution_history WHERE execution_id = (SELECT id FROM executions WHERE arn = ?)
             AND id < ? ORDER BY id DESC LIMIT ?`
        : `SELECT * FROM execution_history WHERE execution_id = (SELECT id FROM executions WHERE arn = ?)
             AND id > ? ORDER BY id LIMIT ?`;
      const bound = from ?? (reverse ? Number.MAX_SAFE_INTEGER : 0);
      const rows = (db.prepare(sql).all(arn, bound, page.limit + 1) as Row[]).map(historyFromRow);
      return pageOf(rows, page.limit, (last) => last.id);
    },
    requestStop(
      arn: string,
      error: string | undefined,
      cause: string | undefined,
      now: number,
    ): ExecutionRecord {
      const row = get.get(arn) as Row | undefined;
      if (!row) throw new StoreConflictError("not-found", `Execution Does Not Exist: '${arn}'`);
      if (stop.run(error ?? null, cause ?? null, now, arn).changes === 0) {
        throw new StoreConflictError("not-running", `Execution is not running: '${arn}'`);
      }
      return executionFromRow(get.get(arn) as Row);
    },
  };
}
