/**
 * Approval requests: opened by the approval task, decided by votes through the API or signed
 * email links, or by their deadline. Every vote and deadline is applied in one store
 * transaction that also settles the waiting task, so a request is decided exactly once.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../kernel/clock.js";
import type { TaskInvocation } from "../../runtime/task-dispatcher.js";
import type { IdentityStore } from "../../store/identity-port.js";
import type {
  ApprovalChange,
  ApprovalRecord,
  ApprovalStatus,
  NewNotificationDelivery,
  OpsStore,
} from "../../store/ops-port.js";
import type { Page, PageRequest } from "../../store/paging.js";
import { OpsError } from "../errors.js";
import { DeadlineLoop } from "./deadline-loop.js";
import { deadlineVerdict, isApprover, voteVerdict } from "./decision.js";
import { type LinkClaims, linkHash, linkKey, signLink, verifyLink } from "./links.js";
import { parseApprovalRequest } from "./parameters.js";

/** A user's groups; identity (issue 4) provides the real resolver. */
export type GroupResolver = (user: string) => Promise<string[]>;

/** What the service is built from. */
export interface ApprovalDependencies {
  store: OpsStore & IdentityStore;
  clock: Clock;
  masterKey: Buffer;
  publicUrl: () => string;
  /** Whether approvers named by an email address can be mailed. */
  emailEnabled: boolean;
  groups?: GroupResolver;
  /** A decision settled a task: the engine should look at its execution. */
  settled: () => void;
  /** New mails were stored. */
  mailed: () => void;
  log: (message: string) => void;
}

/** Links stay valid this long when the request has no deadline. */
const LINK_LIFETIME_MS = 7 * 24 * 3600_000;

/** The approval service. */
export class ApprovalService {
  private readonly key: Buffer;
  /** The durable timers of the requests' deadlines (started and stopped by the server). */
  readonly deadlines: DeadlineLoop;

  constructor(private readonly deps: ApprovalDependencies) {
    this.key = linkKey(deps.masterKey);
    this.deadlines = new DeadlineLoop(
      deps.store,
      deps.clock,
      () => this.applyDeadlines(),
      deps.log,
    );
  }

  /** Opens the request of an approval task (again for a re-run: same token, same request). */
  async open(invocation: TaskInvocation): Promise<ApprovalRecord> {
    const request = parseApprovalRequest(invocation.parameters);
    if (invocation.taskToken === undefined || !invocation.resource.endsWith(".waitForTaskToken"))
      throw new OpsError(
        "ValidationException",
        "The approval resource waits for a decision: use arn:aws:states:::opsflow:approval.waitForTaskToken.",
      );
    const now = this.deps.clock.now();
    const id = randomUUID();
    const record: Omit<ApprovalRecord, "votes"> = {
      id,
      taskToken: invocation.taskToken,
      executionArn: invocation.executionArn,
      stateName: invocation.stateName,
      title: request.title,
      approvers: request.approvers,
      quorum: request.quorum,
      allowSelfApproval: request.allowSelfApproval,
      escalations: 0,
      status: "PENDING",
      createdAt: now,
      ...(request.description !== undefined && { description: request.description }),
      ...(request.data !== undefined && { data: request.data }),
      ...(request.requester !== undefined && { requester: request.requester }),
      ...(request.deadlineSeconds !== undefined && {
        deadlineAt: now + request.deadlineSeconds * 1000,
      }),
      ...(request.onDeadline !== undefined && { onDeadline: request.onDeadline }),
    };
    const opened = await this.deps.store.openApproval(record, {
      messageId: `approval-${id}`,
      deliveries: await this.mails({ ...record, votes: [] }, record.approvers),
    });
    this.deps.mailed();
    this.deadlines.wake();
    return opened;
  }

  async get(id: string): Promise<ApprovalRecord> {
    const approval = await this.deps.store.getApproval(id);
    if (!approval) throw new OpsError("ResourceNotFound", `Approval ${id} does not exist.`);
    return approval;
  }

  /** Lists requests; `mine` keeps the pending ones `user` may still vote on. */
  async list(
    filter: { status?: ApprovalStatus; mine?: string },
    page: PageRequest,
  ): Promise<Page<ApprovalRecord>> {
    // One can only vote on pending requests.
    const status = filter.status ?? (filter.mine !== undefined ? "PENDING" : undefined);
    const result = await this.deps.store.listApprovals(status ? { status } : {}, page);
    const user = filter.mine;
    if (user === undefined) return result;
    const groups = await this.groupsOf(user);
    return {
      ...result,
      items: result.items.filter(
        (a) => isApprover(a, user, groups) && !a.votes.some((v) => v.voter === user),
      ),
    };
  }

  /** A vote through the API by the authenticated user. */
  async vote(
    id: string,
    user: string,
    decision: "approve" | "reject",
    comment?: string,
  ): Promise<ApprovalRecord> {
    return this.apply(id, user, decision, comment, "api");
  }

  /** What a link says, checked (for the page that asks to confirm). */
  async inspectLink(token: string): Promise<{ claims: LinkClaims; approval: ApprovalRecord }> {
    const claims = verifyLink(this.key, token, this.deps.clock.now());
    if (await this.deps.store.isApprovalLinkUsed(linkHash(token)))
      throw new OpsError("Conflict", "This link was already used.");
    return { claims, approval: await this.get(claims.a) };
  }

  /** A vote through a signed email link (single-use). */
  async voteByLink(token: string, comment?: string): Promise<ApprovalRecord> {
    const claims = verifyLink(this.key, token, this.deps.clock.now());
    return this.apply(claims.a, claims.v, claims.d, comment, "link", linkHash(token));
  }

  /**
   * Cancels the pending requests whose task no longer waits: after an execution ended (then
   * `executionArn` names it), or for all executions at start-up, in case the server stopped
   * between the end and the cancellation.
   */
  async cancelMoot(executionArn?: string): Promise<string[]> {
    return this.deps.store.cancelMootApprovals(executionArn, this.deps.clock.now());
  }

  /** Applies the deadlines that are due; returns how many changed a request. */
  async applyDeadlines(): Promise<number> {
    const now = this.deps.clock.now();
    let changed = 0;
    for (const approval of await this.deps.store.dueApprovals(now)) {
      const verdict = deadlineVerdict(approval, now);
      const mails =
        verdict.kind === "escalate"
          ? await this.mails({ ...approval, deadlineAt: verdict.deadlineAt }, verdict.approvers)
          : [];
      const change = await this.deps.store.applyApprovalDeadline(
        approval.id,
        approval.deadlineAt as number,
        () => verdict,
        now,
        { messageId: `approval-${approval.id}-${approval.escalations + 1}`, deliveries: mails },
      );
      if (change.kind === "decided") this.deps.settled();
      if (change.kind === "escalated" && mails.length > 0) this.deps.mailed();
      if (change.kind !== "refused") changed++;
    }
    return changed;
  }

  private async apply(
    id: string,
    user: string,
    decision: "approve" | "reject",
    comment: string | undefined,
    via: string,
    hash?: string,
  ): Promise<ApprovalRecord> {
    if (comment !== undefined && comment.length > 4000)
      throw new OpsError("ValidationException", "A comment is at most 4000 characters.");
    const groups = await this.groupsOf(user);
    const now = this.deps.clock.now();
    const change = await this.deps.store.voteApproval(
      id,
      { voter: user, vote: decision, via, at: now, ...(comment ? { comment } : {}) },
      (approval) => voteVerdict(approval, groups, now),
      now,
      hash,
    );
    return this.result(change);
  }

  private result(change: ApprovalChange): ApprovalRecord {
    switch (change.kind) {
      case "refused": {
        const code = {
          "not-found": "ResourceNotFound",
          conflict: "Conflict",
          forbidden: "Forbidden",
          expired: "Expired",
        } as const;
        throw new OpsError(code[change.code], change.reason);
      }
      case "decided":
        if (change.settled) this.deps.settled();
        else
          throw new OpsError(
            "Conflict",
            "The workflow no longer waits for this approval (stopped or timed out); the request is cancelled.",
          );
        return change.approval;
      default:
        return change.approval;
    }
  }

  private async groupsOf(user: string): Promise<string[]> {
    return this.deps.groups ? this.deps.groups(user) : [];
  }

  /**
   * Who of the approvers can be mailed, voter → address: users named by an email address,
   * users with an email address, and the members of groups who have one.
   */
  private async recipients(approvers: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const user = async (name: string) => {
      const email = name.includes("@") ? name : (await this.deps.store.getUser(name))?.email;
      if (email !== undefined && !found.has(name)) found.set(name, email);
    };
    for (const approver of approvers) {
      if (approver.startsWith("user:")) await user(approver.slice(5));
      else if (approver.startsWith("group:"))
        for (const member of await this.deps.store.membersOf(approver.slice(6))) await user(member);
    }
    return found;
  }

  /** Mails with signed links for the approvers who have an email address. */
  private async mails(
    approval: ApprovalRecord,
    approvers: string[],
  ): Promise<NewNotificationDelivery[]> {
    if (!this.deps.emailEnabled) return [];
    const expires = approval.deadlineAt ?? approval.createdAt + LINK_LIFETIME_MS;
    const base = this.deps.publicUrl();
    return [...(await this.recipients(approvers))].map(([voter, address]) => {
      const link = (d: "approve" | "reject") =>
        `${base}/links/approvals/${signLink(this.key, { a: approval.id, v: voter, d, e: expires })}`;
      const subject = `Approval needed: ${approval.title}`;
      const lines = [
        `${approval.title}`,
        "",
        ...(approval.description ? [approval.description, ""] : []),
        ...(approval.data
          ? ["Data to review:", JSON.stringify(JSON.parse(approval.data), null, 2), ""]
          : []),
        `Approve: ${link("approve")}`,
        `Reject:  ${link("reject")}`,
        "",
        `Each link works once, until ${new Date(expires).toISOString()}.`,
        `Request ${approval.id} (execution ${approval.executionArn}).`,
      ];
      return { protocol: "email" as const, endpoint: address, subject, body: lines.join("\n") };
    });
  }
}
