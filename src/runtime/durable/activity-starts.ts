/**
 * Activity tasks a worker took since the last pass. GetActivityTask marks the task row started
 * (with the time and the worker's name) and wakes the execution; the next pass records
 * ActivityStarted from that row, so the event is durable even when no result ever comes.
 */
import type { TaskRecord } from "../../store/workflows-port.js";
import type { PendingTask, StoredFrame } from "./snapshot.js";

/** An activity task whose ActivityStarted event is still to be recorded. */
export interface ActivityStart {
  pending: PendingTask;
  startedAt: number;
  /** Absent when the worker gave no name (AWS then records empty details). */
  workerName?: string;
}

/**
 * The activity tasks of `frames` that a worker has taken but whose start is not recorded yet,
 * in the order the workers took them. `settled` are the task rows the claim already holds;
 * others are read with `taskOf`.
 */
export async function activityStarts(
  frames: Iterable<StoredFrame>,
  settled: readonly TaskRecord[],
  taskOf: (token: string) => Promise<TaskRecord | undefined>,
): Promise<ActivityStart[]> {
  const known = new Map(settled.map((task) => [task.token, task]));
  const starts: ActivityStart[] = [];
  for (const frame of frames) {
    const pending = frame.task;
    if (frame.status !== "task" || !pending || pending.prefix !== "Activity" || pending.started)
      continue;
    const task = known.get(pending.token) ?? (await taskOf(pending.token));
    if (task?.startedAt === undefined) continue;
    const start: ActivityStart = { pending, startedAt: task.startedAt };
    if (task.workerName) start.workerName = task.workerName;
    starts.push(start);
  }
  return starts.sort((a, b) => a.startedAt - b.startedAt);
}
