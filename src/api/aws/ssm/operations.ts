/**
 * The Systems Manager parameter operations of the AWS endpoint (`X-Amz-Target: AmazonSSM.*`),
 * in one table: each reads its request members, calls the parameter service and returns the
 * wire shape. Decrypting a SecureString (WithDecryption) is a second permission,
 * `ssm:DecryptParameter` on the parameter's ARN, checked for the caller here. The reads take
 * a parameter ARN wherever SSM does (GetParameter, GetParameters, GetParameterHistory); the
 * writes and deletes take names only, as SSM's do.
 */
import { ParameterError } from "../../../ops/parameters/errors.js";
import type { Decryption, ParameterService } from "../../../ops/parameters/service.js";
import type { ParameterFilter, ParameterType } from "../../../store/parameters-port.js";
import type { ApiContext, Principal } from "../../context.js";
import {
  arrayOf,
  bool,
  int,
  type Members,
  optional,
  required,
  str,
  structures,
} from "../sfn/members.js";
import { historyShape, metadataShape, parameterShape } from "./shapes.js";

type Operation = (
  request: Members,
  parameters: ParameterService,
  context: { api: ApiContext; principal: Principal; account: string },
) => Promise<unknown>;

/** The action that lets a caller read a SecureString in clear. */
export const DECRYPT_ACTION = "ssm:DecryptParameter";

const next = (token: string | undefined) => (token ? { NextToken: token } : {});
const page = (request: Members, max: number) => ({
  limit: int(request, "MaxResults", { min: 0, max }) || max,
  ...(optional(request, "NextToken", str) !== undefined && {
    nextToken: str(request, "NextToken"),
  }),
});
const names = (request: Members) => {
  const list = required(request, "Names", arrayOf);
  if (list.length < 1 || list.length > 10 || list.some((n) => typeof n !== "string"))
    throw new ParameterError(
      "ValidationException",
      "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10, of strings",
    );
  return list as string[];
};

/** WithDecryption of a request, checked against the caller's permission per parameter. */
function decryption(request: Members, context: Parameters<Operation>[2]): Decryption {
  if (!(optional(request, "WithDecryption", bool) ?? false)) return false;
  return async (arn) =>
    (await context.api.auth.authorizer.decide(context.principal.user, DECRYPT_ACTION, [arn]))
      .effect === "allow";
}

/**
 * The selector a Name stands for (a name, `name:version`, or a parameter ARN, as SSM's reads
 * take). An ARN of another account is refused as IAM refuses a parameter that was not shared
 * with the caller's account; one of another region as a bad value (this endpoint serves one).
 */
async function selectorOf(
  nameOrArn: string,
  parameters: ParameterService,
  context: Parameters<Operation>[2],
  action: string,
): Promise<string> {
  const resolved = await parameters.resolveName(nameOrArn);
  if (resolved.kind === "local") return resolved.selector;
  if (resolved.kind === "other-account")
    throw new ParameterError(
      "AccessDeniedException",
      `User: arn:aws:iam::${context.account}:user/${context.principal.user} is not authorized to perform: ${action} on resource: ${resolved.resource} because no resource-based policy allows the ${action} action`,
    );
  throw new ParameterError(
    "ValidationException",
    `Parameter ARN ${resolved.resource} names region ${resolved.region}; this endpoint serves its own region only.`,
  );
}

const TYPES: readonly string[] = ["String", "StringList", "SecureString"];

/** ParameterFilters (`Name`, `Path`, `Type`; Label, KeyId, Tier and tags are not supported). */
function filters(
  request: Members,
  allowed: string[],
): { filter: ParameterFilter; exactName?: string } {
  const filter: ParameterFilter = {};
  let exactName: string | undefined;
  for (const f of optional(request, "ParameterFilters", structures) ?? []) {
    const key = str(f, "Key");
    const option = optional(f, "Option", str);
    const values = (optional(f, "Values", arrayOf) ?? []) as unknown[];
    if (!allowed.includes(key))
      throw new ParameterError(
        "InvalidFilterKey",
        `Filter key ${key} is not supported here; use one of ${allowed.join(", ")}.`,
      );
    if (values.length === 0 || values.some((v) => typeof v !== "string" || v === ""))
      throw new ParameterError(
        "InvalidFilterValue",
        `Filter ${key} needs non-empty string Values.`,
      );
    const single = () => {
      if (values.length > 1)
        throw new ParameterError("InvalidFilterValue", `Filter ${key} takes one value.`);
      return values[0] as string;
    };
    if (key === "Type") {
      if (option !== undefined && option !== "Equals")
        throw new ParameterError("InvalidFilterOption", "Filter Type takes the option Equals.");
      const bad = values.find((v) => !TYPES.includes(v as string));
      if (bad !== undefined)
        throw new ParameterError(
          "InvalidFilterValue",
          `Type ${String(bad)} is not a parameter type.`,
        );
      filter.types = values as ParameterType[];
    } else if (key === "Name") {
      if (option !== undefined && option !== "BeginsWith" && option !== "Equals")
        throw new ParameterError("InvalidFilterOption", "Filter Name takes BeginsWith or Equals.");
      filter.namePrefix = single();
      if (option !== "BeginsWith") exactName = filter.namePrefix;
    } else if (key === "Path") {
      if (option !== undefined && option !== "OneLevel" && option !== "Recursive")
        throw new ParameterError("InvalidFilterOption", "Filter Path takes OneLevel or Recursive.");
      filter.path = single();
      filter.recursive = option === "Recursive";
    }
  }
  return exactName === undefined ? { filter } : { filter, exactName };
}

/** Operation name → implementation. */
export const ssmOperations: Record<string, Operation> = {
  async GetParameter(request, parameters, context) {
    const name = required(request, "Name", (m, n) => str(m, n, { max: 2048 }));
    const view = await parameters.get(
      await selectorOf(name, parameters, context, "ssm:GetParameter"),
      decryption(request, context),
    );
    return { Parameter: parameterShape(view) };
  },
  async GetParameters(request, parameters, context) {
    // Unknown ones are reported as the caller wrote them (an ARN stays an ARN).
    const asWritten = new Map<string, string>();
    for (const name of names(request)) {
      const selector = await selectorOf(name, parameters, context, "ssm:GetParameters");
      if (!asWritten.has(selector)) asWritten.set(selector, name);
    }
    const { parameters: found, invalid } = await parameters.getMany(
      [...asWritten.keys()],
      decryption(request, context),
    );
    return {
      Parameters: found.map(parameterShape),
      InvalidParameters: invalid.map((selector) => asWritten.get(selector) ?? selector),
    };
  },
  async GetParametersByPath(request, parameters, context) {
    const { filter } = filters(request, ["Type"]);
    const result = await parameters.byPath(
      required(request, "Path", (m, n) => str(m, n, { max: 2048 })),
      {
        recursive: optional(request, "Recursive", bool) ?? false,
        ...(filter.types && { types: filter.types }),
      },
      decryption(request, context),
      page(request, 10),
    );
    return { Parameters: result.items.map(parameterShape), ...next(result.nextToken) };
  },
  async PutParameter(request, parameters, context) {
    if (request.Tags !== undefined && request.Overwrite === true)
      throw new ParameterError(
        "ValidationException",
        "Tags can't be used with the Overwrite option. To add tags to an existing parameter, use AddTagsToResource.",
      );
    if (request.Policies !== undefined && request.Policies !== null)
      throw new ParameterError("ValidationException", "Parameter policies are not supported.");
    const record = await parameters.put(
      {
        name: required(request, "Name", (m, n) => str(m, n, { max: 2048 })),
        value: required(request, "Value", str),
        ...optionalMembers(request),
      },
      context.principal.user,
    );
    return { Version: record.version, Tier: record.tier };
  },
  async DeleteParameter(request, parameters) {
    await parameters.delete(required(request, "Name", (m, n) => str(m, n, { max: 2048 })));
    return {};
  },
  async DeleteParameters(request, parameters) {
    const { deleted, invalid } = await parameters.deleteMany(names(request));
    return { DeletedParameters: deleted, InvalidParameters: invalid };
  },
  async DescribeParameters(request, parameters, context) {
    if (request.Filters !== undefined && request.Filters !== null)
      throw new ParameterError(
        "ValidationException",
        "Filters is deprecated and not supported: use ParameterFilters.",
      );
    const { filter, exactName } = filters(request, ["Name", "Path", "Type"]);
    const result = await parameters.describe(filter, page(request, 50));
    const items =
      exactName === undefined ? result.items : result.items.filter((p) => p.name === exactName);
    return {
      Parameters: items.map((p) => metadataShape(p, context.account)),
      ...next(result.nextToken),
    };
  },
  async GetParameterHistory(request, parameters, context) {
    const name = required(request, "Name", (m, n) => str(m, n, { max: 2048 }));
    const result = await parameters.history(
      await selectorOf(name, parameters, context, "ssm:GetParameterHistory"),
      decryption(request, context),
      page(request, 50),
    );
    return {
      Parameters: result.items.map((p) => historyShape(p, context.account)),
      ...next(result.nextToken),
    };
  },
};

function optionalMembers(request: Members) {
  const pick = (key: string, field: string) => {
    const value = optional(request, key, str);
    return value === undefined ? {} : { [field]: value };
  };
  const overwrite = optional(request, "Overwrite", bool);
  return {
    ...pick("Type", "type"),
    ...pick("Description", "description"),
    ...pick("AllowedPattern", "allowedPattern"),
    ...pick("KeyId", "keyId"),
    ...pick("Tier", "tier"),
    ...pick("DataType", "dataType"),
    ...(overwrite !== undefined && { overwrite }),
  };
}
