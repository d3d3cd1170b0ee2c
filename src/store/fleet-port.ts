/**
 * The fleet part of the store port (Systems Manager's model of managed nodes and Run
 * Command): hybrid activations, managed nodes (agents and agentless SSH hosts) with their
 * tags, SSM documents with versions, commands and their per-node invocations, and the
 * output those invocations produced. `Store` extends it.
 *
 * Rate control (MaxConcurrency, MaxErrors) is decided by the caller's pure `CommandControl`,
 * applied by the store in the transaction that changed the command's counts, so several
 * server nodes settling invocations of one command at once never release more than the
 * limit or miss the moment errors pass it.
 */
import type { Page, PageRequest } from "./paging.js";

/** A tag, as SSM writes them. */
export interface Tag {
  Key: string;
  Value: string;
}

// ---------------------------------------------------------------- activations

/** A hybrid activation: the code nodes register with, and what they get when they do. */
export interface ActivationRecord {
  /** A UUID, as SSM's ActivationId. */
  id: string;
  /** SHA-256 of the activation code, hex: the code itself is never stored. */
  codeHash: string;
  description?: string;
  /** The Name registered nodes get. */
  defaultInstanceName?: string;
  /** Recorded as given (nodes act with their own key, not a role). */
  iamRole: string;
  registrationLimit: number;
  /** How many nodes registered with it so far. */
  registrationsCount: number;
  /** Epoch ms after which registering fails. */
  expiresAt: number;
  createdAt: number;
  tags: Tag[];
}

/** What ListActivations (DescribeActivations) can filter on. */
export interface ActivationFilter {
  ids?: string[];
  defaultInstanceNames?: string[];
  iamRoles?: string[];
}

/** Why a registration was refused. */
export type RegistrationRefusal = "not-found" | "expired" | "exhausted";

// ---------------------------------------------------------------- managed nodes

/** The platforms SSM names. */
export type PlatformType = "Linux" | "Windows" | "MacOS";

/** What an agent reports about its host (DescribeInstanceInformation's fields). */
export interface NodeInfo {
  platformType: PlatformType;
  platformName: string;
  platformVersion: string;
  computerName: string;
  ipAddress: string;
  agentVersion: string;
}

/** How the server reaches a node: the node's agent connects out, or the server uses SSH. */
export type NodeConnection =
  | {
      kind: "agent";
      /** The agent's Ed25519 public key (SPKI, DER, base64): it signs every request. */
      publicKey: string;
    }
  | {
      kind: "ssh";
      host: string;
      port: number;
      user: string;
      /** The SecureString parameter holding the private key (PEM). */
      keyParameter: string;
      /** The host key pinned at registration (OpenSSH `type base64` form). */
      hostKey: string;
    };

/** A managed node, `mi-` + 17 hex digits. */
export interface ManagedNodeRecord {
  id: string;
  /** The activation it registered with (undefined for SSH hosts). */
  activationId?: string;
  /** The Name (the activation's default instance name, or what SSH registration gave). */
  name?: string;
  connection: NodeConnection;
  /** Undefined until the agent's first report (or the first SSH contact). */
  info?: NodeInfo;
  registeredAt: number;
  /** Epoch ms of the last heartbeat or successful SSH contact; PingStatus derives from it. */
  lastPingAt?: number;
  tags: Tag[];
}

/** SSM's PingStatus of a managed node, as its last heartbeat says. */
export type NodePingStatus = "Online" | "ConnectionLost";

/** A node whose published ping status just changed, as it now is. */
export interface NodePingChange {
  node: ManagedNodeRecord;
  status: NodePingStatus;
}

/** What DescribeInstanceInformation can filter on (all given ones must hold). */
export interface NodeFilter {
  ids?: string[];
  /** Only nodes whose last ping is at or after this (Online) or before it (ConnectionLost). */
  ping?: { onlineSince: number; online: boolean };
  platformTypes?: PlatformType[];
  /** Each entry must hold: the node has the key, with one of the values when values are given. */
  tags?: { key: string; values?: string[] }[];
  connections?: NodeConnection["kind"][];
}

// ---------------------------------------------------------------- documents

/** The document types opsflow keeps (Command: schema 2.2; Automation: runbooks, 0.3). */
export type DocumentType = "Command" | "Automation";
export type DocumentFormat = "JSON" | "YAML";

/** One version of a document, as stored. */
export interface DocumentVersionRecord {
  name: string;
  /** 1, 2, 3... assigned by the store. */
  version: number;
  versionName?: string;
  documentType: DocumentType;
  format: DocumentFormat;
  /** The document text as the caller sent it. */
  content: string;
  /** SHA-256 of the content, hex. */
  hash: string;
  description?: string;
  createdAt: number;
  /** The user who wrote this version. */
  createdBy: string;
}

/** The document as a whole: its newest and default versions and its tags. */
export interface DocumentRecord {
  name: string;
  documentType: DocumentType;
  latestVersion: number;
  defaultVersion: number;
  tags: Tag[];
  createdAt: number;
}

/** What ListDocuments can filter on (stored documents only; built-ins live in code). */
export interface DocumentFilter {
  namePrefix?: string;
  documentTypes?: DocumentType[];
  tags?: { key: string; values?: string[] }[];
}

/** Which version a read wants: a number, or the default (undefined) or latest one. */
export type DocumentVersionSelector = number | "$DEFAULT" | "$LATEST";

// ---------------------------------------------------------------- commands

/** SSM's invocation Status. */
export type InvocationStatus =
  | "Pending"
  | "InProgress"
  | "Delayed"
  | "Success"
  | "Cancelled"
  | "TimedOut"
  | "Failed"
  | "Cancelling";

/** SSM's invocation StatusDetails, as the API spells them. */
export type InvocationStatusDetails =
  | "Pending"
  | "InProgress"
  | "Delayed"
  | "Success"
  | "DeliveryTimedOut"
  | "ExecutionTimedOut"
  | "Failed"
  | "Cancelled"
  | "Cancelling"
  | "Undeliverable"
  | "Terminated"
  | "InvalidPlatform"
  | "AccessDenied";

/** SSM's command Status. */
export type CommandStatus =
  | "Pending"
  | "InProgress"
  | "Success"
  | "Cancelled"
  | "Failed"
  | "TimedOut"
  | "Cancelling";

/** SSM's command StatusDetails. */
export type CommandStatusDetails =
  | "Pending"
  | "InProgress"
  | "Success"
  | "DeliveryTimedOut"
  | "ExecutionTimedOut"
  | "Failed"
  | "Incomplete"
  | "Cancelled"
  | "Cancelling"
  | "RateExceeded"
  | "AccessDenied"
  | "NoInstancesInTag";

/**
 * Where an invocation is in its life. `queued` waits for rate control to release it;
 * `ready` may be delivered; `delivered` was handed to the node, which has not said it
 * started; `running` started on the node; `done` is terminal (Status says how).
 */
export type InvocationPhase = "queued" | "ready" | "delivered" | "running" | "done";

/** A command as stored: what SendCommand asked for and its aggregate status. */
export interface CommandRecord {
  /** A UUID. */
  id: string;
  documentName: string;
  documentVersion: string;
  /**
   * The document content the command runs (JSON text of the parsed document), kept with the
   * command so later document updates do not change what it does.
   */
  documentContent: string;
  /**
   * Parameters as the caller gave them (`{{ssm-secure:...}}` references unresolved: they
   * are resolved only on the way to the node).
   */
  parameters: Record<string, string[]>;
  instanceIds: string[];
  targets: { Key: string; Values: string[] }[];
  comment: string;
  requestedAt: number;
  /** Delivery deadline: invocations not started by then end DeliveryTimedOut. */
  expiresAfter: number;
  timeoutSeconds: number;
  /** The document's execution timeout, seconds (what the node kills the command after). */
  executionTimeoutSeconds: number;
  /** As given (`"10"` or `"25%"`). */
  maxConcurrency: string;
  maxErrors: string;
  status: CommandStatus;
  statusDetails: CommandStatusDetails;
  progress: CommandProgress;
  /** The user that sent it. */
  requestedBy: string;
  /** An opsflow topic ARN told of status changes, and which changes. */
  notification?: { topicArn: string; events: string[]; type: "Command" | "Invocation" };
  serviceRoleArn?: string;
  /**
   * The task token of a workflow task waiting for the command to end (opsflow:runCommand.sync),
   * and whether it was settled: the fleet settles it once the command ends, again after a crash
   * until it is marked settled.
   */
  waiter?: { taskToken: string; settled: boolean };
}

/** A command's counts, as rate control sees them. */
export interface CommandProgress {
  /** MaxConcurrency and MaxErrors as numbers of nodes (percentages resolved at send time). */
  concurrencyLimit: number;
  errorLimit: number;
  targetCount: number;
  /** Terminal invocations of any kind. */
  completedCount: number;
  successCount: number;
  /** Failed and ExecutionTimedOut: what MaxErrors counts. */
  errorCount: number;
  deliveryTimedOutCount: number;
  /** Held back by rate control. */
  queuedCount: number;
  /** Released and not yet terminal (ready, delivered or running). */
  inFlightCount: number;
  cancelRequested: boolean;
}

/** What rate control decided after a change: the store applies it in the same transaction. */
export interface CommandDecision {
  /** Release this many queued invocations (first targets first). */
  release: number;
  /** End every queued invocation Cancelled/Terminated (errors passed MaxErrors). */
  terminateQueued: boolean;
  /** The command's status once the above is applied. */
  status: CommandStatus;
  statusDetails: CommandStatusDetails;
}

/** Pure: rate control's decision for a command's progress. */
export type CommandControl = (progress: CommandProgress) => CommandDecision;

/** One node's part of a command. */
export interface InvocationRecord {
  commandId: string;
  instanceId: string;
  /** The node's position among the command's targets (release order). */
  ordinal: number;
  phase: InvocationPhase;
  status: InvocationStatus;
  statusDetails: InvocationStatusDetails;
  /** The exit code; -1 until the node reports one. */
  responseCode: number;
  /** The node's name when the command was sent (InstanceName). */
  instanceName: string;
  requestedAt: number;
  deliveredAt?: number;
  /** How many times it was handed to the node (again when the node did not acknowledge). */
  deliveryAttempts: number;
  startedAt?: number;
  endedAt?: number;
  cancelRequested: boolean;
  /** Bytes of output stored, and whether the node produced more than was kept. */
  stdoutBytes: number;
  stderrBytes: number;
  outputTruncated: boolean;
  /** The server node running it (SSH invocations), for lease recovery. */
  owner?: string;
}

/** What creating a command stores for each target. */
export type NewInvocation = Pick<InvocationRecord, "instanceId" | "ordinal" | "instanceName">;

/** How an invocation ended. */
export interface InvocationOutcome {
  status: Extract<InvocationStatus, "Success" | "Failed" | "TimedOut" | "Cancelled">;
  statusDetails: InvocationStatusDetails;
  responseCode: number;
  endedAt: number;
}

/** The result of a change to a command: what it now is, and what rate control released. */
export interface CommandChange {
  command: CommandRecord;
  /** The invocations this change made terminal or changed the status of. */
  changed: InvocationRecord[];
  /**
   * Node ids whose agents have something new: invocations released to them, or running ones
   * asked to cancel (their agents are woken).
   */
  wake: string[];
}

/** Which commands a listing returns, newest first. */
export interface CommandFilter {
  commandId?: string;
  instanceId?: string;
  documentName?: string;
  statuses?: CommandStatus[];
  invokedAfter?: number;
  invokedBefore?: number;
}

/** Which invocations a listing returns, in (newest command, ordinal) order. */
export interface InvocationFilter {
  commandId?: string;
  instanceId?: string;
  statuses?: InvocationStatus[];
}

/** A delivered invocation with the command it belongs to. */
export interface Delivery {
  invocation: InvocationRecord;
  command: CommandRecord;
}

/** Which output stream. */
export type OutputStream = "stdout" | "stderr";

/** Fleet persistence. Every method is atomic. */
export interface FleetStore {
  // activations
  createActivation(activation: ActivationRecord): Promise<void>;
  getActivation(id: string): Promise<ActivationRecord | undefined>;
  listActivations(filter: ActivationFilter, page: PageRequest): Promise<Page<ActivationRecord>>;
  /** False when there was none; nodes registered with it stay. */
  deleteActivation(id: string): Promise<boolean>;
  /**
   * Registers `node` with activation `activationId` if it exists, has not expired at `now`
   * and is under its registration limit, counting the registration in the same transaction
   * (two nodes racing for the last registration: one wins).
   */
  registerNode(
    activationId: string,
    node: ManagedNodeRecord,
    now: number,
  ): Promise<{ registered: true } | { registered: false; reason: RegistrationRefusal }>;
  /** Adds a node without an activation (an SSH host). @throws StoreConflictError `exists`. */
  addNode(node: ManagedNodeRecord): Promise<void>;

  // managed nodes
  getNode(id: string): Promise<ManagedNodeRecord | undefined>;
  /** Nodes in id order. */
  listNodes(filter: NodeFilter, page: PageRequest): Promise<Page<ManagedNodeRecord>>;
  /** Records a heartbeat at `now`, and the node's info when given; false for no such node. */
  recordPing(id: string, now: number, info?: NodeInfo): Promise<boolean>;
  /**
   * Flips the ping status published for each node to what its last heartbeat says (Online
   * when `lastPingAt` is at or after `onlineSince`, else ConnectionLost) where the two differ,
   * and returns those nodes with their new status: at most `limit`, so call again while it
   * returns `limit`. A node is stored as published Online when it has a `lastPingAt` (it
   * just registered), else ConnectionLost.
   * Each flip is returned to exactly one caller, however many server nodes call at once, so
   * each transition is published once.
   */
  reportPingChanges(onlineSince: number, limit: number): Promise<NodePingChange[]>;
  /** Adds or replaces tags by key, then removes `removeKeys`; the resulting tags, or undefined. */
  changeNodeTags(id: string, add: Tag[], removeKeys: string[]): Promise<Tag[] | undefined>;
  /**
   * Deletes the node (its key stops working). Its invocations not yet terminal end Failed /
   * Undeliverable, through `control` like any other ending; false when there was none.
   */
  deregisterNode(
    id: string,
    now: number,
    control: CommandControl,
  ): Promise<{ deregistered: boolean; changes: CommandChange[] }>;

  // documents
  /**
   * Writes the next version of `name`, in one transaction: `decide` gets the document as it
   * stands (undefined for a new one) and the next version number, and returns the version to
   * write or throws to refuse (nothing is written). A new document's default version is 1;
   * later versions do not change the default.
   */
  putDocument(
    name: string,
    decide: (current: DocumentRecord | undefined, next: number) => DocumentVersionRecord,
    tags?: Tag[],
  ): Promise<{ document: DocumentRecord; version: DocumentVersionRecord }>;
  getDocument(
    name: string,
    version?: DocumentVersionSelector,
  ): Promise<{ document: DocumentRecord; version: DocumentVersionRecord } | undefined>;
  /** Documents in name order, each with its default version. */
  listDocuments(
    filter: DocumentFilter,
    page: PageRequest,
  ): Promise<Page<{ document: DocumentRecord; version: DocumentVersionRecord }>>;
  /** Every version, oldest first. */
  listDocumentVersions(name: string): Promise<DocumentVersionRecord[]>;
  /** False when the document or version does not exist. */
  setDefaultDocumentVersion(name: string, version: number): Promise<boolean>;
  changeDocumentTags(name: string, add: Tag[], removeKeys: string[]): Promise<Tag[] | undefined>;
  /** Deletes every version, or only `version` (never the default); false when none matched. */
  deleteDocument(name: string, version?: number): Promise<boolean>;

  // commands
  /**
   * Stores the command and one queued invocation per target, then applies `control` (the
   * first release) in the same transaction: once this returns, the command survives any
   * crash. With no invocations, `control` still decides the status (NoInstancesInTag).
   */
  createCommand(
    command: CommandRecord,
    invocations: NewInvocation[],
    control: CommandControl,
  ): Promise<CommandChange>;
  getCommand(id: string): Promise<CommandRecord | undefined>;
  listCommands(filter: CommandFilter, page: PageRequest): Promise<Page<CommandRecord>>;
  getInvocation(commandId: string, instanceId: string): Promise<InvocationRecord | undefined>;
  listInvocations(filter: InvocationFilter, page: PageRequest): Promise<Page<InvocationRecord>>;
  /**
   * Hands the node its invocations to run: those `ready`, and those `delivered` at or before
   * `redeliverBefore` that the node never acknowledged (a lost answer), at most `limit`.
   * They become `delivered` at `now`. `owner` is recorded (SSH runners' server node).
   * With `instanceId` "ssh:*" it claims invocations of every SSH node instead.
   * (Not `claimDeliveries`: EventStore has that name and `Store` extends both.)
   */
  claimInvocations(
    instanceId: string,
    now: number,
    redeliverBefore: number,
    limit: number,
    owner?: string,
  ): Promise<Delivery[]>;
  /**
   * The node says it started the invocation (it recorded that first, so it never runs it
   * twice): `running`, InProgress. Returns the invocation as it now is; a terminal one
   * (cancelled or timed out meanwhile) is returned unchanged so the node can stop.
   */
  startInvocation(
    commandId: string,
    instanceId: string,
    now: number,
  ): Promise<InvocationRecord | undefined>;
  /**
   * Ends the invocation with `outcome` unless it already ended (then `changed` is empty and
   * nothing is written), and applies `control` to its command.
   */
  finishInvocation(
    commandId: string,
    instanceId: string,
    outcome: InvocationOutcome,
    control: CommandControl,
  ): Promise<CommandChange | undefined>;
  /**
   * Cancels the command on `instanceIds` (all when undefined): invocations not yet delivered
   * end Cancelled at `now`; delivered and running ones become Cancelling (their node is told
   * and reports how they ended).
   */
  cancelCommand(
    commandId: string,
    instanceIds: string[] | undefined,
    now: number,
    control: CommandControl,
  ): Promise<CommandChange | undefined>;
  /** Running invocations of the node that were asked to cancel. */
  cancellationsFor(instanceId: string): Promise<InvocationRecord[]>;
  /**
   * Ends what ran out of time at `now`: invocations not started by their command's
   * `expiresAfter` end TimedOut/DeliveryTimedOut; running ones past startedAt +
   * executionTimeout + `graceMs` end TimedOut/ExecutionTimedOut (their node never reported).
   */
  expireInvocations(
    now: number,
    graceMs: number,
    control: CommandControl,
  ): Promise<CommandChange[]>;

  /** Ended commands whose waiting task was not yet settled, oldest first, at most `limit`. */
  unsettledWaiters(limit: number): Promise<CommandRecord[]>;
  /** Records that the command's waiting task was settled. */
  markWaiterSettled(commandId: string): Promise<void>;

  // output
  /**
   * Appends `data` to a stream of an invocation's output at byte `offset`: a chunk already
   * stored (offset below the stored size) is skipped, so the node may resend after a lost
   * answer; a gap is refused. Bytes past `capBytes` are dropped and the invocation marked
   * truncated. Returns the stored size, or undefined for no such invocation.
   */
  appendOutput(
    commandId: string,
    instanceId: string,
    stream: OutputStream,
    offset: number,
    data: Uint8Array,
    capBytes: number,
  ): Promise<{ size: number; truncated: boolean } | undefined>;
  /** Up to `length` bytes of a stream from `offset` (empty past the end). */
  readOutput(
    commandId: string,
    instanceId: string,
    stream: OutputStream,
    offset: number,
    length: number,
  ): Promise<Uint8Array>;

  /**
   * Calls `listener` with node ids when a change on another server node has something new for
   * them (a CommandChange's `wake`; PostgreSQL: LISTEN). One process per database (SQLite) never calls it: its own parts
   * wake each other directly. Resolves to an unsubscribe function.
   */
  onFleetWork(listener: (instanceIds: string[]) => void): Promise<() => void>;
}
