/**
 * What a decided approval gives the workflow: the task result when approved, the cause of
 * `Approval.Rejected` / `Approval.Expired` otherwise (the same document, as JSON text), and
 * the verdict rules: any eligible rejection rejects; `Quorum` approvals approve.
 */
import type { Json, JsonObject } from "../../asl/json.js";
import type {
  ApprovalRecord,
  ApprovalStatus,
  DeadlineVerdict,
  VoteVerdict,
} from "../../store/ops-port.js";

/** The decision document (task result, or failure cause). */
export function decisionDocument(
  approval: ApprovalRecord,
  status: ApprovalStatus,
  now: number,
  decidedBy: string[],
): JsonObject {
  return {
    ApprovalId: approval.id,
    Title: approval.title,
    Status: status,
    DecidedAt: new Date(now).toISOString(),
    DecidedBy: decidedBy,
    Votes: approval.votes.map((v) => ({
      User: v.voter,
      Decision: v.vote === "approve" ? "APPROVE" : "REJECT",
      ...(v.comment !== undefined && { Comment: v.comment }),
      At: new Date(v.at).toISOString(),
      Via: v.via,
    })),
    Comments: approval.votes.flatMap((v) => (v.comment ? [v.comment] : [])),
    ...(approval.data !== undefined && { Data: JSON.parse(approval.data) as Json }),
  };
}

/** The task outcome of a final status. */
export function outcomeFor(
  approval: ApprovalRecord,
  status: "APPROVED" | "REJECTED" | "EXPIRED",
  now: number,
  decidedBy: string[],
): { output: string } | { error: string; cause: string } {
  const document = JSON.stringify(decisionDocument(approval, status, now, decidedBy));
  if (status === "APPROVED") return { output: document };
  return {
    error: status === "REJECTED" ? "Approval.Rejected" : "Approval.Expired",
    cause: document,
  };
}

/** True when `user` (with `groups`) is one of the request's approvers. */
export function isApprover(approval: ApprovalRecord, user: string, groups: string[]): boolean {
  return (
    approval.approvers.includes(`user:${user}`) ||
    groups.some((group) => approval.approvers.includes(`group:${group}`))
  );
}

/**
 * The verdict of the newest vote of `approval` (its votes include it): refused when the voter
 * is not an approver or approves their own request; otherwise recorded, or deciding.
 */
export function voteVerdict(approval: ApprovalRecord, groups: string[], now: number): VoteVerdict {
  const vote = approval.votes[approval.votes.length - 1];
  if (!isApprover(approval, vote.voter, groups))
    return {
      kind: "refuse",
      code: "forbidden",
      reason: `${vote.voter} is not an approver of this request (approvers: ${approval.approvers.join(", ")}).`,
    };
  if (vote.vote === "approve" && vote.voter === approval.requester && !approval.allowSelfApproval)
    return {
      kind: "refuse",
      code: "forbidden",
      reason: `${vote.voter} requested this approval and cannot approve it (the request does not allow self-approval).`,
    };
  if (vote.vote === "reject")
    return {
      kind: "decide",
      status: "REJECTED",
      outcome: outcomeFor(approval, "REJECTED", now, [vote.voter]),
    };
  const approvers = approval.votes.filter((v) => v.vote === "approve").map((v) => v.voter);
  if (approvers.length < approval.quorum) return { kind: "record" };
  return {
    kind: "decide",
    status: "APPROVED",
    outcome: outcomeFor(approval, "APPROVED", now, approvers),
  };
}

/** What the deadline of `approval` does at `now`. */
export function deadlineVerdict(approval: ApprovalRecord, now: number): DeadlineVerdict {
  const action = approval.onDeadline ?? { action: "Expire" };
  const by = ["opsflow:deadline"];
  switch (action.action) {
    case "Approve":
      return {
        kind: "decide",
        status: "APPROVED",
        outcome: outcomeFor(approval, "APPROVED", now, by),
      };
    case "Reject":
      return {
        kind: "decide",
        status: "REJECTED",
        outcome: outcomeFor(approval, "REJECTED", now, by),
      };
    case "Escalate":
      return {
        kind: "escalate",
        approvers: action.approvers,
        deadlineAt: now + action.seconds * 1000,
        onDeadline: action.next,
      };
    default:
      return {
        kind: "decide",
        status: "EXPIRED",
        outcome: outcomeFor(approval, "EXPIRED", now, by),
      };
  }
}
