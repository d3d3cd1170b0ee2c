/**
 * Approval requests and votes on PostgreSQL (see OpsStore). A vote or a deadline runs in one
 * transaction that locks the request's row (SELECT ... FOR UPDATE), checks it, records the
 * change and settles the waiting task: of two nodes deciding at once, the second waits for
 * the first and then sees the request decided.
 */
import type {
  ApprovalChange,
  ApprovalRecord,
  ApprovalStatus,
  ApprovalVote,
  DeadlineVerdict,
  NewNotificationDelivery,
  OpsStore,
  VoteVerdict,
} from "../../ops-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isTimeArnKey, pageOf } from "../../paging.js";
import { groupBy } from "../../rows/common.js";
import { approvalOf, deadlineApplies, voteOf, voteRefusal } from "../../rows/ops.js";
import type { PostgresDatabase, Row, Sql } from "../database.js";
import { settleTaskIn } from "../workflows/tasks.js";
import { enqueueNotificationsIn } from "./deliveries.js";

/** The approval methods of OpsStore. */
export type ApprovalStore = Pick<
  OpsStore,
  | "openApproval"
  | "getApproval"
  | "listApprovals"
  | "voteApproval"
  | "dueApprovals"
  | "nextApprovalDeadline"
  | "applyApprovalDeadline"
  | "isApprovalLinkUsed"
  | "cancelMootApprovals"
>;

type Outcome = { output: string } | { error: string; cause?: string };

/** The requests of `rows` with their votes, read in one more statement. */
async function withVotes(sql: Sql, rows: Row[]): Promise<ApprovalRecord[]> {
  if (rows.length === 0) return [];
  const votes = groupBy(
    await sql.rows(
      "SELECT * FROM approval_votes WHERE approval_id = ANY($1::text[]) ORDER BY at, voter",
      [rows.map((row) => row.id)],
    ),
    "approval_id",
    voteOf,
  );
  return rows.map((row) => approvalOf(row, votes.get(row.id as string) ?? []));
}

/** The request `id`, locked until the transaction ends when `lock` is set. */
async function load(sql: Sql, id: string, lock = false): Promise<ApprovalRecord | undefined> {
  const row = await sql.row(`SELECT * FROM approvals WHERE id = $1${lock ? " FOR UPDATE" : ""}`, [
    id,
  ]);
  return row && (await withVotes(sql, [row]))[0];
}

/**
 * Settles the task with the decision, in the transaction holding the request's lock. When
 * the execution no longer waits (stopped, timed out), the request is cancelled instead: a
 * decision nobody receives is not recorded.
 */
async function settleDecision(
  tx: Sql,
  approval: ApprovalRecord,
  status: ApprovalStatus,
  decidedBy: string,
  outcome: Outcome,
  now: number,
): Promise<ApprovalChange> {
  const settled = (await settleTaskIn(tx, approval.taskToken, outcome, now)) === "settled";
  await tx.run(
    `UPDATE approvals SET status = $1, decided_at = $2, decided_by = $3
     WHERE id = $4 AND status = 'PENDING'`,
    [settled ? status : "CANCELLED", now, decidedBy, approval.id],
  );
  return { kind: "decided", approval: (await load(tx, approval.id)) as ApprovalRecord, settled };
}

/** A vote's checks that do not depend on the caller's verdict, in the order SQLite makes them. */
async function refusal(
  tx: Sql,
  approval: ApprovalRecord,
  vote: ApprovalVote,
  now: number,
  linkHash: string | undefined,
): Promise<ApprovalChange | undefined> {
  if (linkHash !== undefined && (await linkUsed(tx, linkHash)))
    return { kind: "refused", code: "conflict", reason: "This link was already used." };
  return voteRefusal(approval, vote, now);
}

async function linkUsed(sql: Sql, hash: string): Promise<boolean> {
  return (
    (await sql.row("SELECT 1 FROM approval_used_links WHERE signature_hash = $1", [hash])) !==
    undefined
  );
}

/** Approval requests on `db`. */
export function postgresApprovalStore(db: PostgresDatabase): ApprovalStore {
  return {
    openApproval: (
      record: Omit<ApprovalRecord, "votes">,
      mails: { messageId: string; deliveries: NewNotificationDelivery[] },
    ) =>
      db.transaction(async (tx) => {
        // A re-run of the task (on any node) finds the request its first run opened: the
        // token is unique, and only the insert that created the row queues the mails.
        const created = await tx.run(
          `INSERT INTO approvals (id, task_token, execution_arn, state_name, title, description,
             data, approvers, quorum, requester, allow_self_approval, deadline_at, on_deadline,
             escalations, status, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           ON CONFLICT (task_token) DO NOTHING`,
          [
            record.id,
            record.taskToken,
            record.executionArn,
            record.stateName,
            record.title,
            record.description ?? null,
            record.data ?? null,
            JSON.stringify(record.approvers),
            record.quorum,
            record.requester ?? null,
            record.allowSelfApproval,
            record.deadlineAt ?? null,
            record.onDeadline === undefined ? null : JSON.stringify(record.onDeadline),
            record.escalations,
            record.status,
            record.createdAt,
          ],
        );
        if (created > 0)
          await enqueueNotificationsIn(
            tx,
            mails.messageId,
            undefined,
            mails.deliveries,
            record.createdAt,
          );
        const row = (await tx.row("SELECT * FROM approvals WHERE task_token = $1", [
          record.taskToken,
        ])) as Row;
        return (await withVotes(tx, [row]))[0];
      }),
    getApproval: (id: string) => load(db, id),
    async listApprovals(
      filter: { status?: ApprovalStatus },
      page: PageRequest,
    ): Promise<Page<ApprovalRecord>> {
      const [at, id] = page.nextToken
        ? decodePageToken(page.nextToken, isTimeArnKey)
        : [Number.MIN_SAFE_INTEGER, ""];
      const rows = await db.rows(
        `SELECT * FROM approvals WHERE ($1::text IS NULL OR status = $1)
           AND (created_at, id) > ($2, $3)
         ORDER BY created_at, id LIMIT $4`,
        [filter.status ?? null, at, id, page.limit + 1],
      );
      return pageOf(await withVotes(db, rows), page.limit, (last) => [last.createdAt, last.id]);
    },
    voteApproval: (
      id: string,
      vote: ApprovalVote,
      verdict: (approval: ApprovalRecord) => VoteVerdict,
      now: number,
      linkHash?: string,
    ) =>
      db.transaction(async (tx): Promise<ApprovalChange> => {
        const approval = await load(tx, id, true);
        if (!approval)
          return { kind: "refused", code: "not-found", reason: `Approval ${id} does not exist.` };
        const refused = await refusal(tx, approval, vote, now, linkHash);
        if (refused) return refused;
        const withVote = { ...approval, votes: [...approval.votes, vote] };
        const result = verdict(withVote);
        if (result.kind === "refuse")
          return { kind: "refused", code: result.code, reason: result.reason };
        // The link first: its digest's primary key lets one use of it through, even if some
        // other request's vote presented it at the same moment; nothing is written before.
        if (
          linkHash !== undefined &&
          (await tx.run(
            `INSERT INTO approval_used_links (signature_hash, approval_id, used_at)
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
            [linkHash, id, now],
          )) === 0
        )
          return { kind: "refused", code: "conflict", reason: "This link was already used." };
        await tx.run(
          `INSERT INTO approval_votes (approval_id, voter, vote, comment, via, at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [id, vote.voter, vote.vote, vote.comment ?? null, vote.via, vote.at],
        );
        if (result.kind === "record") return { kind: "recorded", approval: withVote };
        const voters = withVote.votes
          .filter((v) => v.vote === (result.status === "APPROVED" ? "approve" : "reject"))
          .map((v) => v.voter);
        return settleDecision(tx, approval, result.status, voters.join(","), result.outcome, now);
      }),
    async dueApprovals(now: number) {
      const rows = await db.rows(
        `SELECT * FROM approvals WHERE status = 'PENDING' AND deadline_at <= $1
         ORDER BY deadline_at LIMIT 100`,
        [now],
      );
      return withVotes(db, rows);
    },
    async nextApprovalDeadline() {
      const row = await db.row<{ at: number | null }>(
        "SELECT MIN(deadline_at) AS at FROM approvals WHERE status = 'PENDING' AND deadline_at IS NOT NULL",
      );
      return row?.at ?? undefined;
    },
    applyApprovalDeadline: (
      id: string,
      expectedDeadline: number,
      verdict: (approval: ApprovalRecord) => DeadlineVerdict,
      now: number,
      mails?: { messageId: string; deliveries: NewNotificationDelivery[] },
    ) =>
      db.transaction(async (tx): Promise<ApprovalChange> => {
        // Every node's deadline loop may pick the same request; the lock and the expected
        // deadline let exactly one of them apply it.
        const approval = await load(tx, id, true);
        if (!deadlineApplies(approval, expectedDeadline, now))
          return { kind: "refused", code: "conflict", reason: "The deadline no longer applies." };
        const result = verdict(approval);
        if (result.kind === "decide")
          return settleDecision(
            tx,
            approval,
            result.status,
            "opsflow:deadline",
            result.outcome,
            now,
          );
        await tx.run(
          `UPDATE approvals SET approvers = $1, deadline_at = $2, on_deadline = $3,
             escalations = escalations + 1
           WHERE id = $4 AND status = 'PENDING'`,
          [
            JSON.stringify(result.approvers),
            result.deadlineAt,
            JSON.stringify(result.onDeadline),
            id,
          ],
        );
        if (mails)
          await enqueueNotificationsIn(tx, mails.messageId, undefined, mails.deliveries, now);
        return { kind: "escalated", approval: (await load(tx, id)) as ApprovalRecord };
      }),
    isApprovalLinkUsed: (hash: string) => linkUsed(db, hash),
    async cancelMootApprovals(executionArn: string | undefined, now: number) {
      // Every execution end asks; almost none has a pending request: a read answers that
      // without taking row locks.
      if (
        executionArn !== undefined &&
        !(await db.row(
          "SELECT 1 FROM approvals WHERE status = 'PENDING' AND execution_arn = $1 LIMIT 1",
          [executionArn],
        ))
      )
        return [];
      // A request whose task no longer waits (execution stopped, failed or timed out) is
      // moot. A vote deciding it meanwhile holds its row: the update waits, sees it decided
      // and leaves it.
      const rows = await db.rows<{ id: string }>(
        `UPDATE approvals SET status = 'CANCELLED', decided_at = $1, decided_by = 'opsflow:task-ended'
         WHERE status = 'PENDING' AND ($2::text IS NULL OR execution_arn = $2)
           AND NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.token = approvals.task_token
             AND tasks.status IN ('scheduled', 'started'))
         RETURNING id`,
        [now, executionArn ?? null],
      );
      return rows.map((r) => r.id).sort();
    },
  };
}
