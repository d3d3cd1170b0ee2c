/** Executions: start (idempotent by name), read, list, history, stop requests and redrive. */
import type Database from "better-sqlite3";
import { decodePageToken, isTimeArnKey, pageOf } from "../paging.js";
import {
  type ExecutionFilter,
  type ExecutionRecord,
  type HistoryEventRecord,
  type NewExecution,
  type Page,
  type PageRequest,
  StoreConflictError,
} from "../port.js";
import { executionFromRow, historyFromRow } from "./rows.js";
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
  const insertState = db.prepare("INSERT INTO execution_state (arn, state) VALUES (?, ?)");
  const insertEvent = db.prepare(
    "INSERT INTO history_events (execution_arn, id, previous_id, type, timestamp, details) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const get = db.prepare("SELECT * FROM executions WHERE arn = ?");
  const byName = db.prepare("SELECT * FROM executions WHERE state_machine_arn = ? AND name = ?");
  const admitToTeam = teamAdmission(db);
  const stop = db.prepare(
    `UPDATE executions SET stop_requested = 1, stop_error = ?, stop_cause = ?, wake_at = ?
     WHERE arn = ? AND status = 'RUNNING'`,
  );

  function appendEvents(arn: string, events: HistoryEventRecord[]): void {
    for (const event of events) {
      insertEvent.run(
        arn,
        event.id,
        event.previousEventId,
        event.type,
        event.timestamp,
        event.details === undefined ? null : JSON.stringify(event.details),
      );
    }
  }

  const start = db.transaction(
    (execution: NewExecution): { record: ExecutionRecord; created: boolean } => {
      const { record } = execution;
      const existing = byName.get(record.stateMachineArn, record.name) as Row | undefined;
      if (existing) return { record: executionFromRow(existing), created: false };
      insert.run({
        ...record,
        qualifiedArn: record.qualifiedArn ?? null,
        parentTaskToken: record.parentTaskToken ?? null,
        nextEventId: execution.events.length + 1,
      });
      insertState.run(record.arn, execution.state);
      appendEvents(record.arn, execution.events);
      // Throws when over the team's quota: this transaction then leaves nothing behind.
      if (execution.team) admitToTeam(execution.team, record.arn, record.startedAt);
      return { record, created: true };
    },
  );

  return {
    startExecution: start,
    appendEvents,
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
        ? "SELECT * FROM history_events WHERE execution_arn = ? AND id < ? ORDER BY id DESC LIMIT ?"
        : "SELECT * FROM history_events WHERE execution_arn = ? AND id > ? ORDER BY id LIMIT ?";
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
