/**
 * The fleet: activations and managed nodes, documents, Run Command and the server side of
 * the agent protocol, built over the fleet store. The composition root gives it the ports it
 * needs from above (the bus and topics to publish on, Parameter Store references to resolve).
 */
import type { Clock } from "../kernel/clock.js";
import type { ReferenceLookup } from "../runbooks/document/index.js";
import type { FleetStore } from "../store/fleet-port.js";
import type { ResourceRunner } from "../tasks/chain.js";
import { ActivationService } from "./activations.js";
import { AgentAuthenticator } from "./agent-auth.js";
import { AgentCalls } from "./agent-calls.js";
import type { CommandPublisher } from "./command-events.js";
import type { SettleTask } from "./command-waiters.js";
import { CommandService, type FleetContext } from "./commands.js";
import { DeliveryHub } from "./delivery-hub.js";
import { DocumentService } from "./documents.js";
import { InvocationExpiry } from "./expiry.js";
import { NodeStatusEvents, NodeStatusWatch } from "./node-status.js";
import { NodeService } from "./nodes.js";
import { SshHealth } from "./ssh-health.js";
import { type SecretParameters, SshHostService } from "./ssh-hosts.js";
import { SshRunner } from "./ssh-runner.js";
import { runCommandRunner } from "./tasks/run-command.js";

/** Bytes of each output stream kept per invocation unless configured. */
export const DEFAULT_OUTPUT_CAP_BYTES = 8 * 1024 * 1024;

/** What the fleet is built from. */
export interface FleetDependencies {
  store: FleetStore;
  clock: Clock;
  region: string;
  account: string;
  publisher: CommandPublisher;
  references: ReferenceLookup;
  /** SecureString parameters: where SSH hosts' private keys are kept. */
  secrets: SecretParameters;
  /** Names this server node in the claims of SSH invocations it runs. */
  owner: string;
  outputCapBytes?: number;
  settleTask?: SettleTask;
  log?: (message: string) => void;
}

/** The fleet's services. */
export interface Fleet {
  activations: ActivationService;
  nodes: NodeService;
  documents: DocumentService;
  commands: CommandService;
  agentCalls: AgentCalls;
  auth: AgentAuthenticator;
  hub: DeliveryHub;
  sshHosts: SshHostService;
  /** The workflow task runners of the fleet (opsflow:runCommand.sync). */
  runners: ResourceRunner[];
  /** Starts the background loops and listens for other server nodes' changes. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the fleet. */
export function buildFleet(deps: FleetDependencies): Fleet {
  const now = () => deps.clock.now();
  const hub = new DeliveryHub();
  const documents = new DocumentService(deps.store, now, deps.references);
  const context: FleetContext = {
    store: deps.store,
    documents,
    hub,
    publisher: deps.publisher,
    clock: deps.clock,
    region: deps.region,
    account: deps.account,
    outputCapBytes: deps.outputCapBytes ?? DEFAULT_OUTPUT_CAP_BYTES,
    ...(deps.settleTask && { settleTask: deps.settleTask }),
  };
  const commands = new CommandService(context);
  const log = deps.log ?? console.error;
  const expiry = new InvocationExpiry(context, commands, { log, maxSleepMs: 1000 });
  const statusEvents = new NodeStatusEvents(deps.publisher, deps.region, deps.account, log);
  const statusWatch = new NodeStatusWatch(deps.store, statusEvents, {
    clock: deps.clock,
    log,
    maxSleepMs: 1000,
  });
  const sshRunner = new SshRunner(context, commands, deps.secrets, deps.owner, {
    log,
    maxSleepMs: 1000,
  });
  context.sshWork = () => sshRunner.wake();
  const sshHealth = new SshHealth(context, { log });
  let unlisten: (() => void) | undefined;
  return {
    activations: new ActivationService(deps.store, now, statusEvents),
    nodes: new NodeService(deps.store, deps.clock, commands, statusEvents),
    documents,
    commands,
    agentCalls: new AgentCalls(context, commands),
    auth: new AgentAuthenticator(deps.store, now),
    hub,
    sshHosts: new SshHostService(deps.store, deps.clock, deps.secrets, statusEvents),
    runners: [runCommandRunner(commands)],
    async start() {
      unlisten = await deps.store.onFleetWork((ids) => hub.wake(ids));
      expiry.start();
      statusWatch.start();
      sshRunner.start();
      sshHealth.start();
    },
    async stop() {
      unlisten?.();
      await sshHealth.stop();
      await sshRunner.stop();
      await statusWatch.stop();
      await expiry.stop();
    },
  };
}
