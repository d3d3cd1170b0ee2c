/**
 * Task tokens and activities: SendTaskSuccess/Failure/Heartbeat, and the activity queues
 * workers poll with GetActivityTask.
 */
import { once } from "node:events";
import type { Json } from "../../../asl/json.js";
import type { Clock } from "../../../kernel/clock.js";
import type { Page, PageRequest } from "../../../store/paging.js";
import type { TaskSettlement, WorkflowStore } from "../../../store/workflows-port.js";
import type { DurableEngine } from "../engine.js";
import { ServiceError } from "../errors.js";

const TOKEN = /^[A-Za-z0-9-]{8,1024}$/;

/** The task and activity service. */
export class TaskService {
  constructor(
    private readonly store: WorkflowStore,
    private readonly engine: DurableEngine,
    private readonly clock: Clock,
    private readonly config: { region: string; account: string },
  ) {}

  async sendSuccess(token: string, output: string): Promise<void> {
    checkToken(token);
    try {
      JSON.parse(output);
    } catch {
      throw new ServiceError("InvalidOutput", "Invalid Output: the output must be JSON text.");
    }
    settlementError(await this.engine.settleTask(token, { output }));
  }

  async sendFailure(token: string, error?: string, cause?: string): Promise<void> {
    checkToken(token);
    const outcome = cause === undefined ? { error: error ?? "" } : { error: error ?? "", cause };
    settlementError(await this.engine.settleTask(token, outcome));
  }

  async sendHeartbeat(token: string): Promise<void> {
    checkToken(token);
    settlementError(await this.store.heartbeatTask(token, this.clock.now()));
  }

  activityArn(name: string): string {
    return `arn:aws:states:${this.config.region}:${this.config.account}:activity:${name}`;
  }

  async createActivity(name: string, tags?: Record<string, string>) {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name))
      throw new ServiceError("InvalidName", `Invalid Name: '${name}'`);
    return this.store.createActivity(this.activityArn(name), name, this.clock.now(), tags);
  }

  async describeActivity(arn: string) {
    const activity = await this.store.getActivity(arn);
    if (!activity)
      throw new ServiceError("ActivityDoesNotExist", `Activity Does Not Exist: '${arn}'`);
    return activity;
  }

  /**
   * Deletes an activity. Its tasks stay as they are: a worker that took one can still finish it
   * with its token; ones not taken wait for their timeouts (no worker can poll a deleted
   * activity), or for an activity created again under the same name.
   */
  async deleteActivity(arn: string): Promise<boolean> {
    const deleted = await this.store.deleteActivity(arn);
    // Long polls in progress notice at once and answer ActivityDoesNotExist.
    if (deleted) this.engine.events.emit("activity-task");
    return deleted;
  }

  listActivities(
    page: PageRequest,
  ): Promise<Page<{ arn: string; name: string; createdAt: number }>> {
    return this.store.listActivities(page);
  }

  /**
   * Long-polls an activity for up to `waitMs` (AWS: 60 s); returns undefined when no task came.
   * A worker that gives no name is stored with an empty one, and its ActivityStarted event has
   * no `workerName` (as on AWS).
   */
  async getActivityTask(
    activityArn: string,
    workerName: string | undefined,
    waitMs = 60_000,
    signal?: AbortSignal,
  ): Promise<{ token: string; input: Json } | undefined> {
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      // Every round: an activity deleted during the long poll hands out nothing more.
      await this.describeActivity(activityArn);
      const task = await this.store.claimActivityTask(
        activityArn,
        workerName ?? "",
        this.clock.now(),
      );
      if (task) {
        this.engine.activityTaskTaken(task.executionArn);
        return { token: task.token, input: JSON.parse(task.parameters) as Json };
      }
      const left = deadline - this.clock.now();
      if (left <= 0 || signal?.aborted) return undefined;
      const timeout = AbortSignal.timeout(Math.min(left, 1000));
      await once(this.engine.events, "activity-task", {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      }).catch(() => undefined);
    }
  }
}

function checkToken(token: string): void {
  if (!TOKEN.test(token)) throw new ServiceError("InvalidToken", "Invalid Token");
}

function settlementError(settlement: TaskSettlement): void {
  if (settlement === "unknown-token")
    throw new ServiceError("TaskDoesNotExist", "Task Does Not Exist");
  if (settlement === "already-settled") throw new ServiceError("TaskTimedOut", "Task Timed Out");
}
