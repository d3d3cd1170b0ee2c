/**
 * State machine operations shared by the native and AWS-compatible APIs: create (JSON or
 * YAML, with DefinitionSubstitutions), update, describe, list, delete, versions and aliases.
 */

import { DefinitionError } from "../../../asl/errors.js";
import type { Json } from "../../../asl/json.js";
import { parseDefinitionText } from "../../../asl/parse.js";
import {
  formatInvalidDefinitionMessage,
  validateDefinition,
} from "../../../asl/validation/index.js";
import { StoreConflictError } from "../../../store/errors.js";
import type { Page, PageRequest } from "../../../store/paging.js";
import type {
  StateMachineAliasRecord,
  StateMachineRecord,
  StateMachineType,
  StateMachineVersionRecord,
  WorkflowStore,
} from "../../../store/workflows-port.js";
import { ServiceError } from "../errors.js";

/** What CreateStateMachine takes. */
export interface CreateStateMachineInput {
  name: string;
  definition: string;
  roleArn?: string;
  type?: StateMachineType;
  description?: string;
  /** `${Name}` placeholders replaced in the definition text, as CloudFormation does. */
  definitionSubstitutions?: Record<string, string>;
  tags?: Record<string, string>;
  publish?: boolean;
  versionDescription?: string;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Applies `${Name}` substitutions; an unknown placeholder is left as written (CloudFormation errors instead). */
export function substitute(
  definition: string,
  substitutions: Record<string, string> | undefined,
): string {
  if (!substitutions) return definition;
  return definition.replace(/\$\{([A-Za-z0-9_.:-]+)\}/g, (whole, name: string) =>
    Object.hasOwn(substitutions, name) ? substitutions[name] : whole,
  );
}

/** Parses (JSON or YAML) and validates a definition; returns canonical JSON text. */
export function checkDefinition(text: string, type: StateMachineType): string {
  let raw: unknown;
  try {
    raw = parseDefinitionText(text);
  } catch (error) {
    if (error instanceof DefinitionError) {
      throw new ServiceError(
        "InvalidDefinition",
        formatInvalidDefinitionMessage(error.diagnostics),
      );
    }
    throw error;
  }
  const diagnostics = validateDefinition(raw, { type });
  if (diagnostics.length > 0)
    throw new ServiceError("InvalidDefinition", formatInvalidDefinitionMessage(diagnostics));
  return JSON.stringify(raw as Json);
}

/** The state machine service. */
export class StateMachineService {
  constructor(
    private readonly store: WorkflowStore,
    private readonly config: { region: string; account: string; defaultRoleArn: string },
    private readonly now: () => number,
  ) {}

  arnOf(name: string): string {
    return `arn:aws:states:${this.config.region}:${this.config.account}:stateMachine:${name}`;
  }

  async create(
    input: CreateStateMachineInput,
  ): Promise<{ record: StateMachineRecord; version?: StateMachineVersionRecord }> {
    if (!NAME.test(input.name))
      throw new ServiceError("InvalidName", `Invalid Name: '${input.name}'`);
    const type = input.type ?? "STANDARD";
    const definition = checkDefinition(
      substitute(input.definition, input.definitionSubstitutions),
      type,
    );
    const now = this.now();
    const record: StateMachineRecord = {
      arn: this.arnOf(input.name),
      name: input.name,
      type,
      definition,
      roleArn: input.roleArn ?? this.config.defaultRoleArn,
      revisionId: crypto.randomUUID(),
      createdAt: now,
      updatedAt: now,
    };
    if (input.description !== undefined) record.description = input.description;
    if (input.tags) record.tags = input.tags;
    const existing = await this.store.getStateMachine(record.arn);
    if (existing) {
      // Creating the same machine again is idempotent, as in AWS; anything else conflicts.
      if (
        existing.definition === definition &&
        existing.roleArn === record.roleArn &&
        existing.type === type
      ) {
        return { record: existing };
      }
      throw new ServiceError(
        "StateMachineAlreadyExists",
        `State Machine Already Exists: '${record.arn}'`,
      );
    }
    try {
      await this.store.createStateMachine(record);
    } catch (error) {
      if (error instanceof StoreConflictError)
        throw new ServiceError("StateMachineAlreadyExists", error.message);
      throw error;
    }
    const version = input.publish
      ? await this.publish(record, input.versionDescription)
      : undefined;
    return version ? { record, version } : { record };
  }

  async update(
    arn: string,
    changes: {
      definition?: string;
      roleArn?: string;
      description?: string;
      definitionSubstitutions?: Record<string, string>;
      publish?: boolean;
      versionDescription?: string;
    },
  ): Promise<{ record: StateMachineRecord; version?: StateMachineVersionRecord }> {
    const current = await this.describe(arn);
    const record: StateMachineRecord = { ...current, updatedAt: this.now() };
    if (changes.definition !== undefined) {
      record.definition = checkDefinition(
        substitute(changes.definition, changes.definitionSubstitutions),
        current.type,
      );
    }
    if (changes.roleArn !== undefined) record.roleArn = changes.roleArn;
    if (changes.description !== undefined) record.description = changes.description;
    if (record.definition !== current.definition || record.roleArn !== current.roleArn)
      record.revisionId = crypto.randomUUID();
    await this.store.updateStateMachine(record);
    const version = changes.publish
      ? await this.publish(record, changes.versionDescription)
      : undefined;
    return version ? { record, version } : { record };
  }

  async describe(arn: string): Promise<StateMachineRecord> {
    const record = await this.store.getStateMachine(arn);
    if (!record)
      throw new ServiceError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    return record;
  }

  list(page: PageRequest): Promise<Page<StateMachineRecord>> {
    return this.store.listStateMachines(page);
  }

  /** Deletes the machine; running executions go on with the definition they started with. */
  async delete(arn: string): Promise<void> {
    await this.store.deleteStateMachine(arn);
  }

  async publish(
    record: StateMachineRecord,
    description?: string,
  ): Promise<StateMachineVersionRecord> {
    const versions = await this.store.listVersions(record.arn, { limit: 1000 });
    const last = versions.items.reduce((max, v) => Math.max(max, v.version), 0);
    const latest = versions.items.find((v) => v.version === last);
    // Publishing an unchanged revision returns the existing version, as AWS does.
    if (latest && latest.revisionId === record.revisionId) return latest;
    const version: StateMachineVersionRecord = {
      arn: `${record.arn}:${last + 1}`,
      stateMachineArn: record.arn,
      version: last + 1,
      definition: record.definition,
      roleArn: record.roleArn,
      revisionId: record.revisionId,
      createdAt: this.now(),
    };
    if (description !== undefined) version.description = description;
    await this.store.publishVersion(version);
    return version;
  }

  async createAlias(input: {
    name: string;
    description?: string;
    routing: StateMachineAliasRecord["routing"];
  }): Promise<StateMachineAliasRecord> {
    if (!NAME.test(input.name) || /^\d+$/.test(input.name))
      throw new ServiceError("InvalidName", `Invalid alias name: '${input.name}'`);
    if (
      input.routing.length < 1 ||
      input.routing.length > 2 ||
      input.routing.reduce((sum, r) => sum + r.weight, 0) !== 100
    ) {
      throw new ServiceError(
        "ValidationException",
        "RoutingConfiguration needs one or two versions whose weights add up to 100.",
      );
    }
    const machineArn = input.routing[0].stateMachineVersionArn.split(":").slice(0, 7).join(":");
    for (const route of input.routing) {
      if (!(await this.store.getVersion(route.stateMachineVersionArn))) {
        throw new ServiceError(
          "ResourceNotFound",
          `Version does not exist: '${route.stateMachineVersionArn}'`,
        );
      }
    }
    const now = this.now();
    const alias: StateMachineAliasRecord = {
      arn: `${machineArn}:${input.name}`,
      stateMachineArn: machineArn,
      name: input.name,
      routing: input.routing,
      createdAt: now,
      updatedAt: now,
    };
    if (input.description !== undefined) alias.description = input.description;
    await this.store.putAlias(alias);
    return alias;
  }
}
