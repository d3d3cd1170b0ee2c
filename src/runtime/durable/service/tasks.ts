/**
 * Task tokens and activities: SendTaskSuccess/Failure/Heartbeat, and the activity queues
 * workers poll with GetActivityTask.
 */
import { once } from "node:events";
import type { Json } from "../../../asl/json.js";
import type { Page, PageRequest, Store, TaskSettlement } from "../../../store/port.js";
import type { Clock } from "../../clock.js";
import type { DurableEngine } from "../engine.js";
import { ServiceError } from "../errors.js";

const TOKEN = /^[A-Za-z0-9-]{8,1024}$/;

/** The task and activity service. */
export class TaskService {
  constructor(
    private readonly store: Store,
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

  deleteActivity(arn: string): Promise<boolean> {
    return this.store.deleteActivity(arn);
  }

  listActivities(
    page: PageRequest,
  ): Promise<Page<{ arn: string; name: string; createdAt: number }>> {
    return this.store.listActivities(page);
  }

  /**
   * Long-polls an activity for up to `waitMs` (AWS: 60 s); returns undefined when no task came.
   */
  async getActivityTask(
    activityArn: string,
    workerName: string,
    waitMs = 60_000,
    signal?: AbortSignal,
  ): Promise<{ token: string; input: Json } | undefined> {
    await this.describeActivity(activityArn);
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      const task = await this.store.claimActivityTask(activityArn, workerName, this.clock.now());
      if (task) {
        this.engine.wake();
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
