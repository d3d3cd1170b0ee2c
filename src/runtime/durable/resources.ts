/**
 * How the durable runtime serves a Task resource: dispatched to an in-process runner, queued
 * for an activity worker, or a nested execution the runtime starts itself.
 */

/** The serving of one resource. */
export type ResourcePlan =
  | { kind: "dispatch"; awaitsToken: boolean }
  | { kind: "activity"; activityArn: string }
  | { kind: "nested"; mode: "start" | "sync" | "sync2" | "token" };

const ACTIVITY = /^arn:aws[\w-]*:states:[^:]*:[^:]*:activity:.+$/;
/** opsflow's own `.sync` integrations settle their task through its token when their job ends. */
const OPSFLOW_SYNC = /^arn:aws[\w-]*:states:::opsflow:[A-Za-z]+\.sync$/;
const NESTED = /^arn:aws[\w-]*:states:::states:startExecution(\.sync(:2)?|\.waitForTaskToken)?$/;

/** Classifies a Task's Resource. */
export function planResource(resource: string): ResourcePlan {
  if (ACTIVITY.test(resource)) return { kind: "activity", activityArn: resource };
  const nested = NESTED.exec(resource);
  if (nested) {
    const suffix = nested[1];
    const mode =
      suffix === ".sync" ? "sync" : suffix === ".sync:2" ? "sync2" : suffix ? "token" : "start";
    return { kind: "nested", mode };
  }
  return {
    kind: "dispatch",
    awaitsToken: resource.endsWith(".waitForTaskToken") || OPSFLOW_SYNC.test(resource),
  };
}
