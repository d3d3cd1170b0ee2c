/**
 * The parameter service: named, versioned parameters in a hierarchy, as Parameter Store keeps
 * them. SecureString values are sealed with AES-256-GCM under the master key before they reach
 * the store (bound to name and version, so a sealed value copied elsewhere does not open) and
 * opened only for callers that ask for decryption and may have it. Without decryption a
 * SecureString reads as its ciphertext (base64), as SSM answers: never the clear value.
 */
import { openSecret, sealSecret } from "../../kernel/secret-box.js";
import type { Page, PageRequest } from "../../store/paging.js";
import type {
  ParameterFilter,
  ParameterRecord,
  ParameterStore,
  ParameterType,
} from "../../store/parameters-port.js";
import { looksLikeArn, namesOfPath, parseParameterArn } from "./arns.js";
import { invalidParameter, ParameterError } from "./errors.js";
import { checkName, checkPath, parseSelector, type Selector } from "./names.js";
import { type CheckedPut, checkPut, DEFAULT_KEY_ID, type PutRequest, tierFor } from "./requests.js";

/** How many versions of a parameter are kept (SSM keeps 100). */
export const KEPT_VERSIONS = 100;
/** Parameters per server unless configured (SSM's Standard-tier limit). */
export const DEFAULT_MAX_PARAMETERS = 10_000;

/** What the parameter service is built from. */
export interface ParameterDependencies {
  store: ParameterStore;
  masterKey: Buffer;
  now: () => number;
  region: string;
  account: string;
  maxParameters?: number;
}

/**
 * Whether SecureString values are opened: `false` (ciphertext), `true`, or a check of the
 * caller's permission on the parameter's ARN (refused: AccessDeniedException).
 */
export type Decryption = boolean | ((arn: string) => Promise<boolean>);

/** A parameter version as the APIs show it. */
export interface ParameterView {
  name: string;
  type: ParameterType;
  /** Clear text, or for an unopened SecureString its ciphertext. */
  value: string;
  /** True when `value` is a SecureString's clear text. */
  decrypted: boolean;
  version: number;
  lastModified: number;
  lastModifiedUser: string;
  arn: string;
  dataType: string;
  tier: "Standard" | "Advanced";
  description?: string;
  allowedPattern?: string;
  keyId?: string;
  /** The selector asked for (`name:3`), when it named a version. */
  selector?: string;
}

/** What a Name (or parameter ARN) stands for on this server (see resolveName). */
export type NameResolution =
  | { kind: "local"; selector: string }
  | { kind: "other-account"; resource: string }
  | { kind: "other-region"; resource: string; region: string };

/** The sealing context of a SecureString version. */
const sealContext = (name: string, version: number) => `ssm-parameter:${name}:${version}`;

/** Parameters. */
export class ParameterService {
  constructor(private readonly deps: ParameterDependencies) {}

  /** The ARN of a parameter, as SSM writes it (`parameter/a/b` for `/a/b`). */
  arn(name: string): string {
    const path = name.startsWith("/") ? name.slice(1) : name;
    return `arn:aws:ssm:${this.deps.region}:${this.deps.account}:parameter/${path}`;
  }

  /**
   * What a Name that may be a parameter ARN stands for here: a name or `name:version` is
   * itself; an ARN of this server's account and region is the selector of the parameter it
   * names; an ARN of another account or region is reported as such (no parameter of another
   * account is ever shared with this one), for the API to answer as SSM does. Text that starts
   * like an ARN but is not a parameter's is a ValidationException.
   */
  async resolveName(nameOrArn: string): Promise<NameResolution> {
    if (!looksLikeArn(nameOrArn)) return { kind: "local", selector: nameOrArn };
    const arn = parseParameterArn(nameOrArn);
    if (!arn)
      throw invalidParameter(
        `'${nameOrArn.slice(0, 256)}' is not a parameter ARN: expected arn:aws:ssm:REGION:ACCOUNT:parameter/NAME.`,
      );
    if (arn.partition !== "aws" || arn.account !== this.deps.account)
      return { kind: "other-account", resource: arn.resource };
    if (arn.region !== this.deps.region)
      return { kind: "other-region", resource: arn.resource, region: arn.region };
    const names = namesOfPath(arn.path);
    let name = names[0];
    for (const candidate of names)
      if (await this.deps.store.getParameter(candidate)) {
        name = candidate;
        break;
      }
    return { kind: "local", selector: `${name}${arn.version}` };
  }

  /** Creates a parameter or (with overwrite) its next version. */
  async put(request: PutRequest, actor: string): Promise<ParameterRecord> {
    const put = checkPut(request);
    const max = this.deps.maxParameters ?? DEFAULT_MAX_PARAMETERS;
    return this.deps.store.putParameter(
      put.name,
      (current, next, count) => this.decide(put, actor, current, next, count >= max),
      KEPT_VERSIONS,
    );
  }

  /** One parameter by selector (`name` or `name:version`). */
  async get(selector: string, decryption: Decryption): Promise<ParameterView> {
    const parsed = parseSelector(selector);
    const record = await this.find(parsed);
    return this.view(record, decryption, parsed.version === undefined ? undefined : selector);
  }

  /** Several parameters; the selectors that name none are returned as `invalid`. */
  async getMany(
    selectors: string[],
    decryption: Decryption,
  ): Promise<{ parameters: ParameterView[]; invalid: string[] }> {
    const parameters: ParameterView[] = [];
    const invalid: string[] = [];
    for (const selector of [...new Set(selectors)]) {
      const parsed = parseSelector(selector);
      const record = await this.deps.store.getParameter(parsed.name, parsed.version);
      if (!record) invalid.push(selector);
      else
        parameters.push(
          await this.view(record, decryption, parsed.version === undefined ? undefined : selector),
        );
    }
    return { parameters, invalid };
  }

  /** The parameters under a path (direct children unless recursive). */
  async byPath(
    path: string,
    options: { recursive: boolean; types?: ParameterType[]; namePrefix?: string },
    decryption: Decryption,
    page: PageRequest,
  ): Promise<Page<ParameterView>> {
    const filter: ParameterFilter = { path: checkPath(path), recursive: options.recursive };
    if (options.types) filter.types = options.types;
    if (options.namePrefix !== undefined) filter.namePrefix = options.namePrefix;
    const found = await this.deps.store.listParameters(filter, page);
    const items: ParameterView[] = [];
    for (const record of found.items) items.push(await this.view(record, decryption));
    return found.nextToken ? { items, nextToken: found.nextToken } : { items };
  }

  /** Current versions by name (values as `decryption` allows). */
  async list(
    filter: ParameterFilter,
    decryption: Decryption,
    page: PageRequest,
  ): Promise<Page<ParameterView>> {
    if (filter.path !== undefined) filter.path = checkPath(filter.path);
    const found = await this.deps.store.listParameters(filter, page);
    const items: ParameterView[] = [];
    for (const record of found.items) items.push(await this.view(record, decryption));
    return found.nextToken ? { items, nextToken: found.nextToken } : { items };
  }

  /** Current versions without values (DescribeParameters). */
  async describe(
    filter: ParameterFilter,
    page: PageRequest,
  ): Promise<Page<Omit<ParameterView, "value" | "decrypted">>> {
    if (filter.path !== undefined) filter.path = checkPath(filter.path);
    const found = await this.deps.store.listParameters(filter, page);
    const items = found.items.map((record) => {
      const { value: _value, decrypted: _decrypted, ...rest } = this.meta(record);
      return rest;
    });
    return found.nextToken ? { items, nextToken: found.nextToken } : { items };
  }

  /** Every kept version of a parameter, oldest first. */
  async history(
    name: string,
    decryption: Decryption,
    page: PageRequest,
  ): Promise<Page<ParameterView>> {
    checkName(name);
    const found = await this.deps.store.parameterHistory(name, page);
    if (found.items.length === 0 && !(await this.deps.store.getParameter(name)))
      throw notFound(name);
    const items: ParameterView[] = [];
    for (const record of found.items) items.push(await this.view(record, decryption));
    return found.nextToken ? { items, nextToken: found.nextToken } : { items };
  }

  /** Deletes a parameter and its history. */
  async delete(name: string): Promise<void> {
    checkName(name);
    if (!(await this.deps.store.deleteParameter(name))) throw notFound(name);
  }

  /** Deletes several; names of no parameter are returned as `invalid`. */
  async deleteMany(names: string[]): Promise<{ deleted: string[]; invalid: string[] }> {
    for (const name of names) checkName(name);
    const deleted: string[] = [];
    const invalid: string[] = [];
    for (const name of [...new Set(names)])
      ((await this.deps.store.deleteParameter(name)) ? deleted : invalid).push(name);
    return { deleted, invalid };
  }

  private async find(selector: Selector): Promise<ParameterRecord> {
    const record = await this.deps.store.getParameter(selector.name, selector.version);
    if (record) return record;
    if (selector.version !== undefined && (await this.deps.store.getParameter(selector.name)))
      throw new ParameterError(
        "ParameterVersionNotFound",
        `Version ${selector.version} of parameter ${selector.name} does not exist.`,
      );
    throw notFound(selector.name);
  }

  private decide(
    put: CheckedPut,
    actor: string,
    current: ParameterRecord | undefined,
    next: number,
    full: boolean,
  ): ParameterRecord {
    if (current && !put.overwrite)
      throw new ParameterError(
        "ParameterAlreadyExists",
        `The parameter ${put.name} already exists. To overwrite this value, set the overwrite option in the request to true.`,
      );
    if (!current && full)
      throw new ParameterError(
        "ParameterLimitExceeded",
        `This server holds its maximum of ${this.deps.maxParameters ?? DEFAULT_MAX_PARAMETERS} parameters; delete some first.`,
      );
    const type = put.type ?? current?.type;
    if (type === undefined)
      throw new ParameterError(
        "ValidationException",
        "A parameter type is required when you create a parameter.",
      );
    if (put.keyId !== undefined && type !== "SecureString")
      throw new ParameterError(
        "ValidationException",
        "KeyId is only valid for SecureString parameters.",
      );
    const allowedPattern = put.allowedPattern ?? current?.allowedPattern;
    if (allowedPattern !== undefined && !new RegExp(allowedPattern).test(put.value))
      throw new ParameterError(
        "ParameterPatternMismatchException",
        `The value of ${put.name} does not match its AllowedPattern ${allowedPattern}.`,
      );
    const tier = tierFor(put.value, put.tier, current?.tier);
    const description = put.description ?? current?.description;
    const keyId =
      type === "SecureString"
        ? (put.keyId ??
          (current?.type === "SecureString" ? current.keyId : undefined) ??
          DEFAULT_KEY_ID)
        : undefined;
    return {
      name: put.name,
      version: next,
      type,
      value:
        type === "SecureString"
          ? sealSecret(this.deps.masterKey, put.value, sealContext(put.name, next))
          : put.value,
      ...(description !== undefined && { description }),
      ...(allowedPattern !== undefined && { allowedPattern }),
      ...(keyId !== undefined && { keyId }),
      tier,
      dataType: put.dataType,
      modifiedAt: this.deps.now(),
      modifiedBy: actor,
    };
  }

  private meta(record: ParameterRecord): ParameterView {
    return {
      name: record.name,
      type: record.type,
      value: record.value,
      decrypted: false,
      version: record.version,
      lastModified: record.modifiedAt,
      lastModifiedUser: record.modifiedBy,
      arn: this.arn(record.name),
      dataType: record.dataType,
      tier: record.tier,
      ...(record.description !== undefined && { description: record.description }),
      ...(record.allowedPattern !== undefined && { allowedPattern: record.allowedPattern }),
      ...(record.keyId !== undefined && { keyId: record.keyId }),
    };
  }

  private async view(
    record: ParameterRecord,
    decryption: Decryption,
    selector?: string,
  ): Promise<ParameterView> {
    const view = this.meta(record);
    if (selector !== undefined) view.selector = selector;
    if (record.type !== "SecureString") return view;
    const open =
      typeof decryption === "function" ? (await decryption(view.arn)) || "denied" : decryption;
    if (open === "denied")
      throw new ParameterError(
        "AccessDeniedException",
        `Decrypting ${record.name} needs ssm:DecryptParameter on ${view.arn}.`,
      );
    if (!open) {
      // The sealed form without its version prefix: base64 ciphertext, like SSM's KMS blob.
      view.value = record.value.slice(record.value.indexOf(":") + 1);
      return view;
    }
    view.value = openSecret(
      this.deps.masterKey,
      record.value,
      sealContext(record.name, record.version),
    );
    view.decrypted = true;
    return view;
  }
}

function notFound(name: string): ParameterError {
  return new ParameterError("ParameterNotFound", `Parameter ${name} not found.`);
}
