/**
 * Approval requests and votes (see OpsStore). A vote or a deadline is applied in one
 * transaction that reads the request, checks it, records the change and settles the waiting
 * task: SQLite serializes transactions, so two concurrent decisions cannot both win.
 */
import type Database from "better-sqlite3";
import type {
  ApprovalChange,
  ApprovalRecord,
  ApprovalStatus,
  ApprovalVote,
  DeadlineVerdict,
  NewNotificationDelivery,
  VoteVerdict,
} from "../../ops-port.js";
import type { Page, PageRequest } from "../../paging.js";
import { decodePageToken, isTimeArnKey, pageOf } from "../../paging.js";
import {
  deadlineApplies,
  approvalOf as sharedApprovalOf,
  voteOf,
  voteRefusal,
} from "../../rows/ops.js";
import type { TaskSettlement } from "../../workflows-port.js";

type Row = Record<string, unknown>;
type Outcome = { output: string } | { error: string; cause?: string };

/** What approvals need from the other query sets. */
export interface ApprovalDependencies {
  settleTask(token: string, outcome: Outcome, now: number): TaskSettlement;
  enqueueNotifications(
    messageId: string,
    topicArn: string | undefined,
    deliveries: NewNotificationDelivery[],
    now: number,
  ): void;
}

/** The approval operations of the SQLite store. */
export function approvalQueries(db: Database.Database, deps: ApprovalDependencies) {
  const insert = db.prepare(
    `INSERT INTO approvals (id, task_token, execution_arn, state_name, title, description, data,
       approvers, quorum, requester, allow_self_approval, deadline_at, on_deadline, escalations,
       status, created_at)
     VALUES (@id, @taskToken, @executionArn, @stateName, @title, @description, @data, @approvers,
       @quorum, @requester, @allowSelfApproval, @deadlineAt, @onDeadline, @escalations, @status,
       @createdAt)
     ON CONFLICT (task_token) DO NOTHING`,
  );
  const byId = db.prepare("SELECT * FROM approvals WHERE id = ?");
  const byToken = db.prepare("SELECT * FROM approvals WHERE task_token = ?");
  const votesOf = db.prepare(
    "SELECT * FROM approval_votes WHERE approval_id = ? ORDER BY at, voter",
  );
  const insertVote = db.prepare(
    "INSERT INTO approval_votes (approval_id, voter, vote, comment, via, at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const decide = db.prepare(
    "UPDATE approvals SET status = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = 'PENDING'",
  );
  const escalate = db.prepare(
    `UPDATE approvals SET approvers = ?, deadline_at = ?, on_deadline = ?, escalations = escalations + 1
     WHERE id = ? AND status = 'PENDING'`,
  );
  const linkUsed = db.prepare("SELECT 1 FROM approval_used_links WHERE signature_hash = ?");
  const useLink = db.prepare(
    "INSERT INTO approval_used_links (signature_hash, approval_id, used_at) VALUES (?, ?, ?)",
  );
  const due = db.prepare(
    "SELECT * FROM approvals WHERE status = 'PENDING' AND deadline_at <= ? ORDER BY deadline_at LIMIT 100",
  );
  const nextDeadline = db.prepare(
    "SELECT MIN(deadline_at) AS at FROM approvals WHERE status = 'PENDING' AND deadline_at IS NOT NULL",
  );
  // A request whose task no longer waits (execution stopped, failed or timed out) is moot.
  const cancelMoot = (scope: string) =>
    db.prepare(
      `UPDATE approvals SET status = 'CANCELLED', decided_at = @now, decided_by = 'opsflow:task-ended'
       WHERE status = 'PENDING' ${scope}
         AND NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.token = approvals.task_token
           AND tasks.status IN ('scheduled', 'started'))
       RETURNING id`,
    );
  const cancelMootOf = cancelMoot("AND execution_arn = @arn");
  // Every execution end asks; almost none has a pending request: a read answers that without
  // a write transaction.
  const hasPending = db.prepare(
    "SELECT 1 FROM approvals WHERE status = 'PENDING' AND execution_arn = ? LIMIT 1",
  );
  const cancelAllMoot = cancelMoot("");
  const list = db.prepare(
    `SELECT * FROM approvals WHERE (@status IS NULL OR status = @status)
       AND (created_at > @at OR (created_at = @at AND id > @id))
     ORDER BY created_at, id LIMIT @limit`,
  );

  const approvalOf = (row: Row): ApprovalRecord =>
    sharedApprovalOf(row, (votesOf.all(row.id) as Row[]).map(voteOf));
  const load = (id: string) => {
    const row = byId.get(id) as Row | undefined;
    return row && approvalOf(row);
  };

  /**
   * Settles the task with the decision. When the execution no longer waits (stopped, timed
   * out), the request is cancelled instead: a decision nobody receives is not recorded.
   */
  const settleDecision = (
    approval: ApprovalRecord,
    status: ApprovalStatus,
    decidedBy: string,
    outcome: Outcome,
    now: number,
  ): ApprovalChange => {
    const settled = deps.settleTask(approval.taskToken, outcome, now) === "settled";
    decide.run(settled ? status : "CANCELLED", now, decidedBy, approval.id);
    return { kind: "decided", approval: load(approval.id) as ApprovalRecord, settled };
  };

  return {
    openApproval: db.transaction(
      (
        record: Omit<ApprovalRecord, "votes">,
        mails: { messageId: string; deliveries: NewNotificationDelivery[] },
      ): ApprovalRecord => {
        const created =
          insert.run({
            description: null,
            data: null,
            requester: null,
            deadlineAt: null,
            ...record,
            approvers: JSON.stringify(record.approvers),
            allowSelfApproval: record.allowSelfApproval ? 1 : 0,
            onDeadline: record.onDeadline === undefined ? null : JSON.stringify(record.onDeadline),
          }).changes > 0;
        if (created)
          deps.enqueueNotifications(mails.messageId, undefined, mails.deliveries, record.createdAt);
        return approvalOf(byToken.get(record.taskToken) as Row);
      },
    ),
    getApproval: load,
    listApprovals(filter: { status?: ApprovalStatus }, page: PageRequest): Page<ApprovalRecord> {
      const [at, id] = page.nextToken
        ? decodePageToken(page.nextToken, isTimeArnKey)
        : [Number.MIN_SAFE_INTEGER, ""];
      const rows = list.all({
        status: filter.status ?? null,
        at,
        id,
        limit: page.limit + 1,
      }) as Row[];
      return pageOf(rows.map(approvalOf), page.limit, (last) => [last.createdAt, last.id]);
    },
    voteApproval: db.transaction(
      (
        id: string,
        vote: ApprovalVote,
        verdict: (approval: ApprovalRecord) => VoteVerdict,
        now: number,
        linkHash?: string,
      ): ApprovalChange => {
        const approval = load(id);
        if (!approval)
          return { kind: "refused", code: "not-found", reason: `Approval ${id} does not exist.` };
        if (linkHash !== undefined && linkUsed.get(linkHash))
          return { kind: "refused", code: "conflict", reason: "This link was already used." };
        const refused = voteRefusal(approval, vote, now);
        if (refused) return refused;
        const withVote = { ...approval, votes: [...approval.votes, vote] };
        const result = verdict(withVote);
        if (result.kind === "refuse")
          return { kind: "refused", code: result.code, reason: result.reason };
        insertVote.run(id, vote.voter, vote.vote, vote.comment ?? null, vote.via, vote.at);
        if (linkHash !== undefined) useLink.run(linkHash, id, now);
        if (result.kind === "record") return { kind: "recorded", approval: withVote };
        const voters = withVote.votes
          .filter((v) => v.vote === (result.status === "APPROVED" ? "approve" : "reject"))
          .map((v) => v.voter);
        return settleDecision(approval, result.status, voters.join(","), result.outcome, now);
      },
    ),
    dueApprovals: (now: number) => (due.all(now) as Row[]).map(approvalOf),
    nextApprovalDeadline: () => (nextDeadline.get() as { at: number | null }).at ?? undefined,
    applyApprovalDeadline: db.transaction(
      (
        id: string,
        expectedDeadline: number,
        verdict: (approval: ApprovalRecord) => DeadlineVerdict,
        now: number,
        mails?: { messageId: string; deliveries: NewNotificationDelivery[] },
      ): ApprovalChange => {
        const approval = load(id);
        if (!deadlineApplies(approval, expectedDeadline, now))
          return { kind: "refused", code: "conflict", reason: "The deadline no longer applies." };
        const result = verdict(approval);
        if (result.kind === "decide")
          return settleDecision(approval, result.status, "opsflow:deadline", result.outcome, now);
        escalate.run(
          JSON.stringify(result.approvers),
          result.deadlineAt,
          JSON.stringify(result.onDeadline),
          id,
        );
        if (mails) deps.enqueueNotifications(mails.messageId, undefined, mails.deliveries, now);
        return { kind: "escalated", approval: load(id) as ApprovalRecord };
      },
    ),
    isApprovalLinkUsed: (hash: string) => linkUsed.get(hash) !== undefined,
    cancelMootApprovals: (executionArn: string | undefined, now: number): string[] =>
      (
        (executionArn === undefined
          ? cancelAllMoot.all({ now })
          : hasPending.get(executionArn)
            ? cancelMootOf.all({ arn: executionArn, now })
            : []) as { id: string }[]
      ).map((r) => r.id),
  };
}
