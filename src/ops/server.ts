/**
 * Operations as the server runs them: notifications (topics, subscriptions, the delivery loop,
 * the `sns:publish` task and the event bus's topic targets) and approvals (the approval task,
 * votes, signed links and the deadline loop) and incidents (the incident tasks, their events on
 * the bus). Called by the composition root.
 */

import type { NotificationPublisher } from "../events/bus/deliver.js";
import type { PutEventsRequestEntry } from "../events/envelope.js";
import type { Clock } from "../kernel/clock.js";
import type { IdentityStore } from "../store/identity-port.js";
import type { IncidentStore } from "../store/incidents-port.js";
import type { OpsStore } from "../store/ops-port.js";
import type { ResourceRunner } from "../tasks/chain.js";
import { approvalRunner } from "./approvals/runner.js";
import { ApprovalService, type GroupResolver } from "./approvals/service.js";
import { incidentRunner } from "./incidents/runner.js";
import { IncidentService } from "./incidents/service.js";
import { busPublisher } from "./notifications/bus-publisher.js";
import {
  DEFAULT_RETRY,
  NotificationLoop,
  type RetrySettings,
} from "./notifications/delivery-loop.js";
import { createSender, type MailSettings } from "./notifications/senders.js";
import { NotificationService } from "./notifications/service.js";
import { snsPublishRunner } from "./notifications/sns-task.js";

/** Settings of the operations services. */
export interface OpsSettings {
  mail?: MailSettings;
  /** Base URL of links in emails; the server's own URL when absent. */
  publicUrl?: string;
  retry?: RetrySettings;
  groups?: GroupResolver;
}

/** What the operations services are built from. */
export interface OpsDependencies {
  store: OpsStore & IncidentStore & IdentityStore;
  clock: Clock;
  masterKey: Buffer;
  region: string;
  account: string;
  settings: OpsSettings;
  /** The engine should look at executions (a decision settled a task). */
  wakeEngine: () => void;
  /** Publishes an event on the bus (incident changes); nothing is published when absent. */
  publishEvent?: (entry: PutEventsRequestEntry) => Promise<unknown>;
  log?: (message: string) => void;
  /** The prefix of this process's lease owners (its node's; see the engine's). */
  leaseOwnerPrefix?: string;
}

/** The running operations services. */
export interface Ops {
  notifications: NotificationService;
  approvals: ApprovalService;
  incidents: IncidentService;
  /** Task runners: `sns:publish`, the approval task and the incident tasks. */
  runners: ResourceRunner[];
  /** For the event bus's topic targets. */
  publisher: NotificationPublisher;
  /** An execution ended: its pending approval requests are cancelled. */
  executionEnded(executionArn: string): void;
  /** Sets the server's URL once it listens (links use it unless publicUrl is set). */
  listening(url: string): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the operations services (not started). */
export function buildOps(deps: OpsDependencies): Ops {
  const log = deps.log ?? ((text: string) => process.stderr.write(`${text}\n`));
  let url = deps.settings.publicUrl?.replace(/\/$/, "") ?? "";
  const publicUrl = () => url;
  const emailEnabled = deps.settings.mail?.smtpUrl !== undefined;
  const loop = new NotificationLoop({
    store: deps.store,
    clock: deps.clock,
    sender: createSender(deps.settings.mail ?? {}),
    masterKey: deps.masterKey,
    retry: deps.settings.retry ?? DEFAULT_RETRY,
    log,
    ...(deps.leaseOwnerPrefix !== undefined && { leaseOwnerPrefix: deps.leaseOwnerPrefix }),
  });
  const notifications = new NotificationService({
    store: deps.store,
    scope: { region: deps.region, account: deps.account },
    masterKey: deps.masterKey,
    now: () => deps.clock.now(),
    publicUrl,
    emailEnabled,
    wake: () => loop.wake(),
  });
  const approvals = new ApprovalService({
    store: deps.store,
    clock: deps.clock,
    masterKey: deps.masterKey,
    publicUrl,
    emailEnabled,
    ...(deps.settings.groups && { groups: deps.settings.groups }),
    settled: deps.wakeEngine,
    mailed: () => loop.wake(),
    log,
  });
  const timers = approvals.deadlines;
  const incidents = new IncidentService({
    store: deps.store,
    now: () => deps.clock.now(),
    arn: (id) => `arn:aws:opsflow:${deps.region}:${deps.account}:incident/${id}`,
    userExists: async (name) => (await deps.store.getUser(name)) !== undefined,
    publish: deps.publishEvent ?? (async () => undefined),
    log,
  });
  return {
    notifications,
    approvals,
    incidents,
    runners: [
      snsPublishRunner(notifications, () => deps.clock.now()),
      approvalRunner(approvals),
      incidentRunner(incidents),
    ],
    publisher: busPublisher(notifications),
    executionEnded(executionArn) {
      approvals
        .cancelMoot(executionArn)
        .catch((error) => log(`cancelling approvals of ${executionArn}: ${error}`));
    },
    listening(serverUrl) {
      if (!deps.settings.publicUrl) url = serverUrl;
    },
    async start() {
      await approvals.cancelMoot();
      await loop.start();
      timers.start();
    },
    async stop() {
      await timers.stop();
      await loop.stop();
    },
  };
}
