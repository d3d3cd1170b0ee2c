/**
 * Records the store tests build: executions with their first history events, tasks, and a
 * team that refuses every start.
 * Shared by the contract suite and the SQLite-only tests.
 */
import assert from "node:assert/strict";
import type { Page, PageRequest } from "../../src/store/paging.js";
import type { TeamStore } from "../../src/store/teams-port.js";
import type {
  ExecutionRecord,
  HistoryEventRecord,
  NewExecution,
  TaskRecord,
} from "../../src/store/workflows-port.js";

export const T0 = 1_700_000_000_000;
export const PREFIX = "arn:aws:states:us-east-1:123456789012";

export const machineArn = (name: string) => `${PREFIX}:stateMachine:${name}`;
export const executionArn = (machine: string, name: string) =>
  `${PREFIX}:execution:${machine}:${name}`;

export function event(
  id: number,
  type: HistoryEventRecord["type"] = "PassStateEntered",
  timestamp = T0,
  details?: HistoryEventRecord["details"],
): HistoryEventRecord {
  const record: HistoryEventRecord = { id, previousEventId: id - 1, type, timestamp };
  if (details !== undefined) record.details = details;
  return record;
}

/** `count` consecutive events starting at `from`. */
export function events(from: number, count: number, timestamp = T0): HistoryEventRecord[] {
  return Array.from({ length: count }, (_, i) => event(from + i, "PassStateEntered", timestamp));
}

export interface ExecutionOptions {
  machine?: string;
  startedAt?: number;
  input?: string;
  state?: string;
  eventCount?: number;
  record?: Partial<ExecutionRecord>;
}

export function newExecution(name: string, options: ExecutionOptions = {}): NewExecution {
  const machineName = options.machine ?? "M";
  const startedAt = options.startedAt ?? T0;
  const started = event(1, "ExecutionStarted", startedAt, { input: { name } });
  return {
    record: {
      arn: executionArn(machineName, name),
      stateMachineArn: machineArn(machineName),
      name,
      status: "RUNNING",
      input: options.input ?? JSON.stringify({ name }),
      definition: '{"StartAt":"A"}',
      roleArn: "arn:aws:iam::123456789012:role/r",
      startedAt,
      redriveCount: 0,
      ...options.record,
    },
    state: options.state ?? `state-of-${name}`,
    events: [started, ...events(2, (options.eventCount ?? 1) - 1, startedAt)],
  };
}

export function task(
  executionArn: string,
  token: string,
  overrides: Partial<TaskRecord> = {},
): TaskRecord {
  return {
    token,
    executionArn,
    frameId: 0,
    stateName: "Work",
    resource: "arn:aws:lambda:us-east-1:123456789012:function:work",
    kind: "dispatch",
    awaitsToken: false,
    parameters: JSON.stringify({ token }),
    idempotencyKey: `${executionArn}#${token}`,
    status: "scheduled",
    createdAt: T0,
    ...overrides,
  };
}

/** Creates team `full`, whose quota allows no concurrent execution: every start in it is refused. */
export function createFullTeam(store: Pick<TeamStore, "createTeam">): Promise<void> {
  return store.createTeam({
    name: "full",
    quotas: { concurrentExecutions: 0 },
    createdAt: T0,
    updatedAt: T0,
  });
}

/** Reads every page of a paged listing (from `from`, a page token, when given). */
export async function drain<T>(
  read: (page: PageRequest) => Promise<Page<T>>,
  limit: number,
  from?: string,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let nextToken: string | undefined = from;
  let pages = 0;
  do {
    const page: Page<T> = await read(nextToken === undefined ? { limit } : { limit, nextToken });
    assert.ok(page.items.length <= limit, "a page holds at most `limit` items");
    items.push(...page.items);
    nextToken = page.nextToken;
    pages++;
    assert.ok(pages < 1000, "paging terminates");
  } while (nextToken !== undefined);
  return { items, pages };
}
