/**
 * Hybrid activations and registration: an activation is a code (shown once, stored as its
 * SHA-256) that lets up to `registrationLimit` nodes register until it expires. A registered
 * node gets an `mi-` id and is known by the Ed25519 public key it sent.
 */
import { createHash, createPublicKey, randomUUID, timingSafeEqual } from "node:crypto";
import type {
  ActivationFilter,
  ActivationRecord,
  FleetStore,
  ManagedNodeRecord,
  NodeInfo,
  Tag,
} from "../store/fleet-port.js";
import type { Page, PageRequest } from "../store/paging.js";
import { FleetError } from "./errors.js";
import { isUuid, newActivationCode, newNodeId } from "./ids.js";
import type { NodeStatusEvents } from "./node-status.js";
import { checkTags } from "./tags.js";

/** SSM's default and longest activation lifetimes. */
const DAY_MS = 24 * 3600 * 1000;
const MAX_EXPIRY_MS = 30 * DAY_MS;

/** What CreateActivation asks for. */
export interface NewActivation {
  description?: string;
  defaultInstanceName?: string;
  iamRole: string;
  registrationLimit?: number;
  expiresAt?: number;
  tags?: Tag[];
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Activations and node registration. */
export class ActivationService {
  constructor(
    private readonly store: FleetStore,
    private readonly now: () => number,
    private readonly statusEvents: NodeStatusEvents,
  ) {}

  /** Creates an activation; the code is returned once and never stored in clear. */
  async create(request: NewActivation): Promise<{ id: string; code: string }> {
    const now = this.now();
    const limit = request.registrationLimit ?? 1;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new FleetError(
        "InvalidParameters",
        "RegistrationLimit must be a whole number from 1 to 1000.",
      );
    const expiresAt = request.expiresAt ?? now + DAY_MS;
    if (expiresAt <= now || expiresAt > now + MAX_EXPIRY_MS)
      throw new FleetError(
        "InvalidParameters",
        "ExpirationDate must be in the future and at most 30 days away.",
      );
    if (request.iamRole.length === 0 || request.iamRole.length > 64)
      throw new FleetError("InvalidParameters", "IamRole must be 1 to 64 characters.");
    const code = newActivationCode();
    const activation: ActivationRecord = {
      id: randomUUID(),
      codeHash: sha256(code),
      iamRole: request.iamRole,
      registrationLimit: limit,
      registrationsCount: 0,
      expiresAt,
      createdAt: now,
      tags: checkTags(request.tags ?? []),
      ...(request.description !== undefined && { description: request.description }),
      ...(request.defaultInstanceName !== undefined && {
        defaultInstanceName: request.defaultInstanceName,
      }),
    };
    await this.store.createActivation(activation);
    return { id: activation.id, code };
  }

  list(filter: ActivationFilter, page: PageRequest): Promise<Page<ActivationRecord>> {
    return this.store.listActivations(filter, page);
  }

  async delete(id: string): Promise<void> {
    if (!isUuid(id) || !(await this.store.deleteActivation(id)))
      throw new FleetError(
        "InvalidActivationId",
        `Activation ID ${id} is not valid or does not exist.`,
      );
  }

  /**
   * Registers a node: the code must match the activation's, which must be unexpired and under
   * its limit. The node is known from then on by `publicKey`; its Registered event is
   * published.
   */
  async register(request: {
    activationId: string;
    activationCode: string;
    publicKey: string;
    info: NodeInfo;
  }): Promise<{ instanceId: string; name?: string }> {
    const activation = isUuid(request.activationId)
      ? await this.store.getActivation(request.activationId)
      : undefined;
    const given = Buffer.from(sha256(request.activationCode));
    if (!activation || !timingSafeEqual(given, Buffer.from(activation.codeHash)))
      throw new FleetError(
        "InvalidActivation",
        "The activation ID or code is not valid: check both against what CreateActivation returned.",
      );
    checkPublicKey(request.publicKey);
    const now = this.now();
    const node: ManagedNodeRecord = {
      id: newNodeId(),
      activationId: activation.id,
      connection: { kind: "agent" as const, publicKey: request.publicKey },
      info: request.info,
      registeredAt: now,
      lastPingAt: now,
      tags: activation.tags,
      ...(activation.defaultInstanceName !== undefined && { name: activation.defaultInstanceName }),
    };
    const result = await this.store.registerNode(activation.id, node, now);
    if (!result.registered)
      throw new FleetError(
        "InvalidActivation",
        result.reason === "expired"
          ? `Activation ${activation.id} has expired: create a new activation.`
          : result.reason === "exhausted"
            ? `Activation ${activation.id} has reached its registration limit (${activation.registrationLimit}): create a new activation.`
            : `Activation ${activation.id} no longer exists.`,
      );
    await this.statusEvents.publish([{ node, status: "Registered" }]);
    return { instanceId: node.id, ...(node.name !== undefined && { name: node.name }) };
  }
}

/** Refuses anything but an Ed25519 public key (SPKI, DER, base64). */
function checkPublicKey(publicKey: string): void {
  try {
    const key = createPublicKey({
      key: Buffer.from(publicKey, "base64"),
      format: "der",
      type: "spki",
    });
    if (key.asymmetricKeyType === "ed25519") return;
  } catch {
    // reported below
  }
  throw new FleetError(
    "ValidationException",
    "publicKey must be an Ed25519 public key (SPKI, DER, base64).",
  );
}
