/**
 * The composition root: the one place that picks implementations (store, clock, runners) and
 * wires engine, services and HTTP app together. The CLI's `server` command and the tests
 * build opsflow the same way.
 */
import type { Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { agentRoutes } from "../api/agent/routes.js";
import { createApp } from "../api/app.js";
import { awsGuard } from "../api/authz/aws-guard.js";
import { AwsError, commonError } from "../api/aws/errors.js";
import { eventBridgeHandler } from "../api/aws/events/handler.js";
import { ssmHandler } from "../api/aws/ssm/handler.js";
import { type AwsServiceHandler, awsEndpoint, stepFunctionsHandler } from "../api/aws-endpoint.js";
import type { ApiContext, Principal } from "../api/context.js";
import { archiveRoutes } from "../api/rest/archives.js";
import { auditRoutes } from "../api/rest/audit.js";
import { connectionRoutes } from "../api/rest/connections.js";
import { credentialRoutes } from "../api/rest/credentials.js";
import { eventBusRoutes } from "../api/rest/event-buses.js";
import { eventRoutes } from "../api/rest/events.js";
import { fleetRoutes } from "../api/rest/fleet-routes.js";
import { functionRoutes } from "../api/rest/functions.js";
import { loginRoutes } from "../api/rest/login.js";
import { oidcRoutes } from "../api/rest/oidc.js";
import { opsRoutes } from "../api/rest/ops.js";
import { parameterRoutes } from "../api/rest/parameters.js";
import { sourceRoutes } from "../api/rest/sources.js";
import { teamRoutes } from "../api/rest/teams.js";
import { userRoutes } from "../api/rest/users.js";
import type { LoginThrottleSettings } from "../auth/login-throttle.js";
import { OidcSignIn } from "../auth/oidc/flow.js";
import { OidcProvider, type OidcSettings } from "../auth/oidc/provider.js";
import { TeamService } from "../auth/quotas.js";
import type { RateLimitSettings } from "../auth/rate-limit.js";
import { createSigV4Verifier } from "../auth/sigv4.js";
import { ConnectionService } from "../events/bus/connections.js";
import { buildEventBus } from "../events/bus/server.js";
import type { EventBusService } from "../events/bus/service.js";
import type { PutEventsRequestEntry } from "../events/envelope.js";
import { SourceService } from "../events/sources/service.js";
import type { SettleTask } from "../fleet/command-waiters.js";
import { buildFleet, type Fleet } from "../fleet/index.js";
import { type Clock, systemClock } from "../kernel/clock.js";
import { cryptoEntropy } from "../kernel/entropy.js";
import { resolveMasterKey } from "../kernel/secret-box.js";
import { Wire } from "../kernel/wire.js";
import { buildParameters } from "../ops/parameters/index.js";
import { buildOps, type Ops, type OpsSettings } from "../ops/server.js";
import { stateMachineArnOf } from "../runtime/durable/arns.js";
import { DurableEngine } from "../runtime/durable/engine.js";
import { ExecutionService } from "../runtime/durable/service/executions.js";
import { StateMachineService } from "../runtime/durable/service/state-machines.js";
import { TaskService } from "../runtime/durable/service/tasks.js";
import type { Store } from "../store/port.js";
import type { WorkflowStore } from "../store/workflows-port.js";
import { awsSdkRunner } from "../tasks/aws-sdk.js";
import { chainRunners } from "../tasks/chain.js";
import {
  createFunctionDispatcher,
  FunctionPool,
  FunctionRegistry,
} from "../tasks/functions/index.js";
import { createHttpInvokeDispatcher } from "../tasks/http-invoke.js";
import { buildAuth } from "./auth.js";
import {
  type AdminBootstrap,
  accessKeyLookup,
  bearerLookup,
  checkMasterKey,
  ensureAdminCredentials,
} from "./credentials.js";
import { claimNode } from "./node-identity.js";
import { openStore } from "./store.js";

/** Server settings (flags and environment are turned into this by the CLI). */
export interface ServerConfig {
  /** Functions, the master key file and (without `database`) the SQLite database. */
  dataDir: string;
  /** A PostgreSQL URL: nodes given the same one share all their state. */
  database?: string;
  /**
   * How long a node's claim on an execution lasts (30 s unless given): after a node dies, the
   * others take its executions over once their claims run out.
   */
  leaseMs?: number;
  port: number;
  host: string;
  region: string;
  account: string;
  /** Largest state payload and request body (AWS: 256 KiB). */
  payloadLimitBytes: number;
  /** SQLite durability: FULL (default) fsyncs every commit. */
  synchronous: "FULL" | "NORMAL";
  /** Base64 master key; otherwise `<dataDir>/master.key` is created (mode 0600) and used. */
  masterKey?: string;
  admin: AdminBootstrap;
  /** How long a console session lasts (8 hours unless given). */
  sessionTtlMs?: number;
  /** Requests per credential (DEFAULT_RATE_LIMIT unless given; `false`: no limit). */
  rateLimit?: RateLimitSettings | false;
  /** Failed sign-ins before lockouts (DEFAULT_LOGIN_THROTTLE unless given). */
  loginThrottle?: LoginThrottleSettings;
  clock?: Clock;
  /** Where the first start's credentials are printed. */
  print?: (line: string) => void;
  /** Notifications and approvals: SMTP server, public URL of links, retries. */
  ops?: OpsSettings;
  /** Console sign-in through an OpenID Connect provider (off when absent). */
  oidc?: OidcSettings;
  /** How long accepted events are kept once no delivery needs them (a day unless given). */
  eventRetentionMs?: number;
  /** Serve HTTPS with this certificate chain and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
  /** Bytes of each output stream kept per command invocation (8 MiB unless given). */
  commandOutputLimitBytes?: number;
  /** Holds status change events back this long before publishing them (crash tests only). */
  statusEventDelayMs?: number;
}

/** A running opsflow. */
export interface RunningServer {
  url: string;
  engine: DurableEngine;
  executions: ExecutionService;
  store: Store;
  /** The event bus. */
  events: EventBusService;
  /** Notifications and approvals. */
  ops: Ops;
  /** Managed nodes, documents and Run Command. */
  fleet: Fleet;
  close(): Promise<void>;
}

/** Builds everything and listens. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const clock = config.clock ?? systemClock;
  const node = claimNode(config.dataDir);
  const store = await openStore(config).catch((error: unknown) => {
    node.release();
    throw error;
  });
  const masterKey = await resolveMasterKey({
    value: config.masterKey,
    path: join(config.dataDir, "master.key"),
  });
  await checkMasterKey(store, masterKey).catch(async (error: unknown) => {
    await store.close();
    node.release();
    throw error;
  });
  for (const line of await ensureAdminCredentials(store, masterKey, config.admin, clock.now()))
    (config.print ?? console.log)(line);

  // Functions live in the store; the data directory caches their code (and older data
  // directories' functions are imported from it here).
  const registry = new FunctionRegistry(join(config.dataDir, "functions"), store);
  await registry.start();
  // Parameters: SecureStrings sealed under the master key; functions read through their context.
  const parameters = buildParameters({
    store,
    masterKey,
    now: () => clock.now(),
    region: config.region,
    account: config.account,
  });
  const pool = new FunctionPool({
    parameters: parameters.reader,
    region: config.region,
    account: config.account,
    maxWorkersPerFunction: 8,
  });
  const functions = createFunctionDispatcher(registry, pool, {
    region: config.region,
    account: config.account,
  });
  // HTTP Tasks authorize through the event bus's connections, as API destinations do.
  const connections = new ConnectionService(
    store,
    masterKey,
    { region: config.region, account: config.account },
    () => clock.now(),
  );
  const http = createHttpInvokeDispatcher({
    connections: (arn) => connections.resolve(arn),
    now: () => clock.now(),
  });
  // Two calls run against the build order, through wires made first: an approval's decision
  // wakes the engine (which runs approval tasks, so comes after ops), and incident changes go
  // on the bus (whose rules start executions, so it comes after the engine).
  const wakeEngine = new Wire<[], void>("wake the engine");
  const publishEvent = new Wire<[PutEventsRequestEntry], Promise<unknown>>("publish on the bus");
  const ops = buildOps({
    store,
    clock,
    masterKey,
    region: config.region,
    account: config.account,
    // Group approvers (`group:NAME`) resolve through the identity store's groups.
    settings: {
      groups: async (user) => (await store.permissionsOf(user))?.groups ?? [],
      ...config.ops,
    },
    wakeEngine: wakeEngine.send,
    publishEvent: publishEvent.send,
    leaseOwnerPrefix: node.leaseOwnerPrefix,
  });
  // aws-sdk:ssm:* tasks run the SSM endpoint's own operations, built with the API below.
  const ssmOperation = new Wire<[string, Record<string, unknown>], Promise<unknown>>(
    "run an SSM operation",
  );
  const settleTask = new Wire<Parameters<SettleTask>, Promise<unknown>>("settle a task");
  const fleet = buildFleet({
    store,
    clock,
    region: config.region,
    account: config.account,
    // Command status changes go on the default bus like incidents', and to NotificationConfig topics.
    publisher: {
      putEvents: (entries) => Promise.all(entries.map((entry) => publishEvent.send(entry))),
      notify: (topicArn, subject, message) => ops.publisher.publish(topicArn, message, subject),
    },
    // Workflow tasks waiting for commands (opsflow:runCommand.sync) are settled by the engine.
    settleTask: settleTask.send,
    // {{ssm:...}} and {{ssm-secure:...}} in command parameters resolve here, per node on its way out.
    references: async (_kind, name) => (await parameters.service.get(name, true)).value,
    secrets: {
      get: async (name) => (await parameters.service.get(name, true)).value,
      put: async (name, value) => {
        await parameters.service.put(
          { name, value, type: "SecureString", overwrite: true },
          "fleet",
        );
      },
    },
    owner: node.leaseOwnerPrefix,
    ...(config.commandOutputLimitBytes !== undefined && {
      outputCapBytes: config.commandOutputLimitBytes,
    }),
  });
  // {{resolve:ssm...}} references resolve here, at dispatch: never in state data or history.
  const dispatcher = parameters.resolving(
    chainRunners([
      functions,
      http,
      ...ops.runners,
      ...parameters.runners,
      ...fleet.runners,
      awsSdkRunner({
        service: "ssm",
        prefix: "Ssm",
        call: ssmOperation.send,
        codeOf: (error) => (error instanceof AwsError ? error : undefined),
      }),
    ]),
    async (arn) => definitionOf(store, arn),
  );

  const engine = new DurableEngine({
    store,
    clock,
    dispatcher,
    region: config.region,
    account: config.account,
    payloadLimitBytes: config.payloadLimitBytes,
    ...(config.leaseMs !== undefined && { leaseMs: config.leaseMs }),
    leaseOwnerPrefix: node.leaseOwnerPrefix,
  });
  wakeEngine.connect(() => engine.wake());
  settleTask.connect((token, settlement) => engine.settleTask(token, settlement));
  engine.onStatusChange((change) => {
    if (change.status !== "RUNNING") ops.executionEnded(change.executionArn);
  });
  const roleArn = `arn:aws:iam::${config.account}:role/opsflow`;
  const teams = new TeamService(store, () => clock.now());
  const stateMachines = new StateMachineService(
    store,
    { region: config.region, account: config.account, defaultRoleArn: roleArn },
    () => clock.now(),
  );
  const executions = new ExecutionService(store, engine, clock, dispatcher, cryptoEntropy, teams);
  const tasks = new TaskService(store, engine, clock, {
    region: config.region,
    account: config.account,
  });
  const bus = buildEventBus({
    store,
    clock,
    leaseOwnerPrefix: node.leaseOwnerPrefix,
    engine,
    executions,
    invokeFunction: (name, event) => functions.invokeFunction(name, event),
    connections,
    region: config.region,
    account: config.account,
    topics: ops.publisher,
    ...(config.eventRetentionMs !== undefined && { eventRetentionMs: config.eventRetentionMs }),
    ...(config.statusEventDelayMs !== undefined && {
      statusEventDelayMs: config.statusEventDelayMs,
    }),
  });
  // Incident changes go on the default bus (stored only when a rule matches them).
  publishEvent.connect((entry) => bus.putEvents([entry], { matchedOnly: true }));
  const api: ApiContext = {
    engine,
    stateMachines,
    executions,
    tasks,
    events: { bus, connections, sources: new SourceService(store, () => clock.now()) },
    functions: {
      deploy: (request) => registry.deploy({ ...request, files: decodeFiles(request.files) }),
      list: () => registry.list(),
      invoke: async (name, event) => (await functions.invokeFunction(name, event as never)).payload,
    },
    authenticator: { bearer: bearerLookup(store) },
    auth: buildAuth({
      store,
      masterKey,
      clock,
      region: config.region,
      account: config.account,
      teams,
      ...(config.rateLimit !== undefined && { rateLimit: config.rateLimit }),
      ...(config.loginThrottle && { loginThrottle: config.loginThrottle }),
      ...(config.sessionTtlMs !== undefined && { sessionTtlMs: config.sessionTtlMs }),
    }),
    maxBodyBytes: Math.max(config.payloadLimitBytes * 4, 1_048_576),
    ready: () => store.ready(),
  };
  const verifier = createSigV4Verifier({
    lookup: accessKeyLookup(store, masterKey),
    now: () => new Date(clock.now()),
    services: ["states", "events", "ssm"],
  });
  const ssm = ssmHandler(parameters.service, config.account, fleet, clock);
  ssmOperation.connect((operation, request) => runAs(ssm, operation, request, api));
  const app = createApp(api, [
    awsEndpoint(
      verifier,
      [stepFunctionsHandler, eventBridgeHandler(config.account), ssm],
      awsGuard(api.auth, async (id) => (await store.getAccessKey(id))?.user),
    ),
    functionRoutes,
    eventRoutes,
    eventBusRoutes,
    archiveRoutes,
    connectionRoutes,
    sourceRoutes,
    userRoutes,
    credentialRoutes,
    auditRoutes,
    teamRoutes,
    loginRoutes,
    oidcRoutes({
      store,
      now: () => clock.now(),
      ...(config.oidc && {
        signIn: new OidcSignIn(new OidcProvider(config.oidc), masterKey, () => clock.now()),
      }),
      ...(config.ops?.publicUrl && { publicUrl: config.ops.publicUrl }),
    }),
    ...opsRoutes(ops),
    agentRoutes(fleet),
    fleetRoutes(fleet),
    parameterRoutes(parameters.service),
  ]);
  // The bus first: its rules must be loaded before recovered executions publish status events.
  await bus.start();
  await ops.start();
  await engine.start();
  await fleet.start();
  // Executions other nodes made due (a start, a task result) are claimed at once.
  const stopListening = await store.onExecutionsDue(() => engine.wake());
  const server = await new Promise<Server>((resolve) => {
    const listening = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        ...(config.tls && { createServer: createHttpsServer, serverOptions: config.tls }),
      },
      () => resolve(listening as Server),
    );
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `${config.tls ? "https" : "http"}://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${port}`;
  ops.listening(url);
  return {
    url,
    engine,
    executions,
    store,
    events: bus,
    ops,
    fleet,
    async close() {
      // Agents' long polls are answered now, so their connections can close.
      fleet.hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Keep-alive connections that served a request after close() began are idle by now.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      stopListening();
      await fleet.stop();
      await bus.stop();
      await engine.stop();
      await ops.stop();
      await pool.close();
      await store.close();
      node.release();
    },
  };
}

/** Workflows' aws-sdk tasks act as this principal (their state machine's role, in AWS). */
const WORKFLOW_PRINCIPAL: Principal = {
  user: "workflow",
  credential: { kind: "token", id: "workflow" },
  workflow: true,
};

/** Runs one operation of an AWS service handler in-process, failing with its AwsError. */
async function runAs(
  handler: AwsServiceHandler,
  operation: string,
  request: Record<string, unknown>,
  api: ApiContext,
): Promise<unknown> {
  const run = handler.operations[operation];
  if (!run) throw commonError("UnknownOperationException", `Unknown operation ${operation}.`);
  try {
    return await run(request, api, WORKFLOW_PRINCIPAL);
  } catch (error) {
    throw error instanceof AwsError ? error : (handler.toAwsError(error) ?? error);
  }
}

/** Function files arrive base64-encoded (code may be binary). */
function decodeFiles(files: Record<string, string>): Record<string, Buffer> {
  return Object.fromEntries(
    Object.entries(files).map(([path, content]) => [path, Buffer.from(content, "base64")]),
  );
}

/**
 * The definition an execution runs: stored with it, or (Express executions are not stored)
 * its state machine's.
 */
async function definitionOf(
  store: WorkflowStore,
  executionArn: string,
): Promise<string | undefined> {
  const execution = await store.getExecution(executionArn);
  if (execution) return execution.definition;
  const arn = stateMachineArnOf(executionArn);
  return arn === undefined ? undefined : (await store.getStateMachine(arn))?.definition;
}
