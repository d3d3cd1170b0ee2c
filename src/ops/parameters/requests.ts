/**
 * Checking a put request before the store is touched: types, value size per tier, the
 * AllowedPattern, the KeyId's form, the data type. What depends on the stored parameter (does
 * it exist, its type and tier when the request omits them) is decided in service.ts.
 */
import type { ParameterType } from "../../store/parameters-port.js";
import { invalidParameter, ParameterError } from "./errors.js";
import { checkName } from "./names.js";

export const PARAMETER_TYPES: readonly ParameterType[] = ["String", "StringList", "SecureString"];
/** Largest value of a Standard parameter (bytes of UTF-8); Advanced ones take 8 KB. */
export const STANDARD_VALUE_BYTES = 4096;
export const ADVANCED_VALUE_BYTES = 8192;
/** The KeyId SecureStrings are reported under when none is given (AWS's default key). */
export const DEFAULT_KEY_ID = "alias/aws/ssm";

/** A put as the APIs send it. */
export interface PutRequest {
  name: string;
  value: string;
  type?: string;
  description?: string;
  overwrite?: boolean;
  allowedPattern?: string;
  keyId?: string;
  tier?: string;
  dataType?: string;
}

/** A checked put. */
export interface CheckedPut {
  name: string;
  value: string;
  type?: ParameterType;
  description?: string;
  overwrite: boolean;
  allowedPattern?: string;
  keyId?: string;
  tier?: "Standard" | "Advanced" | "Intelligent-Tiering";
  dataType: string;
}

const KEY_ID =
  /^(alias\/[a-zA-Z0-9:/_-]{1,250}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[a-zA-Z0-9:/_-]{1,250})$/;

/** Checks what can be checked without the stored parameter. */
export function checkPut(request: PutRequest): CheckedPut {
  const name = checkName(request.name);
  if (typeof request.value !== "string" || request.value === "")
    throw invalidParameter("Value must be a non-empty string.");
  if (Buffer.byteLength(request.value, "utf8") > ADVANCED_VALUE_BYTES)
    throw invalidParameter(
      `Value is ${Buffer.byteLength(request.value, "utf8")} bytes; parameters hold at most ${ADVANCED_VALUE_BYTES} (Advanced tier), ${STANDARD_VALUE_BYTES} in the Standard tier.`,
    );
  if (request.type !== undefined && !(PARAMETER_TYPES as string[]).includes(request.type))
    throw new ParameterError(
      "UnsupportedParameterType",
      `Parameter type '${request.type}' is not supported; use one of ${PARAMETER_TYPES.join(", ")}.`,
    );
  if (request.description !== undefined && request.description.length > 1024)
    throw invalidParameter("Description must be at most 1024 characters.");
  if (request.allowedPattern !== undefined) {
    if (request.allowedPattern.length > 1024)
      throw new ParameterError(
        "InvalidAllowedPatternException",
        "AllowedPattern must be at most 1024 characters.",
      );
    try {
      new RegExp(request.allowedPattern);
    } catch (error) {
      throw new ParameterError(
        "InvalidAllowedPatternException",
        `AllowedPattern is not a valid regular expression: ${(error as Error).message}`,
      );
    }
  }
  if (request.keyId !== undefined) {
    if (request.type !== undefined && request.type !== "SecureString")
      throw invalidParameter("KeyId is only valid for SecureString parameters.");
    if (!KEY_ID.test(request.keyId))
      throw new ParameterError(
        "InvalidKeyId",
        `KeyId '${request.keyId}' is not a key id, key ARN, alias name or alias ARN.`,
      );
  }
  const tiers = ["Standard", "Advanced", "Intelligent-Tiering"];
  if (request.tier !== undefined && !tiers.includes(request.tier))
    throw invalidParameter(`Tier '${request.tier}' is not one of ${tiers.join(", ")}.`);
  const dataType = request.dataType ?? "text";
  if (dataType !== "text")
    throw invalidParameter(`DataType '${dataType}' is not supported; opsflow stores 'text' only.`);
  return {
    name,
    value: request.value,
    ...(request.type !== undefined && { type: request.type as ParameterType }),
    ...(request.description !== undefined && { description: request.description }),
    overwrite: request.overwrite ?? false,
    ...(request.allowedPattern !== undefined && { allowedPattern: request.allowedPattern }),
    ...(request.keyId !== undefined && { keyId: request.keyId }),
    ...(request.tier !== undefined && { tier: request.tier as CheckedPut["tier"] }),
    dataType,
  };
}

/** The tier a value is stored in, or an error when it does not fit the asked tier. */
export function tierFor(
  value: string,
  asked: CheckedPut["tier"] | undefined,
  current: "Standard" | "Advanced" | undefined,
): "Standard" | "Advanced" {
  const bytes = Buffer.byteLength(value, "utf8");
  const tier = asked ?? current ?? "Standard";
  if (tier === "Intelligent-Tiering")
    return bytes > STANDARD_VALUE_BYTES || current === "Advanced" ? "Advanced" : "Standard";
  if (tier === "Standard" && bytes > STANDARD_VALUE_BYTES)
    throw invalidParameter(
      `Value is ${bytes} bytes; Standard tier parameters support a maximum parameter value of ${STANDARD_VALUE_BYTES} bytes (use Tier Advanced for up to ${ADVANCED_VALUE_BYTES}).`,
    );
  return tier;
}
