/** Systems Manager wire shapes of parameters (Parameter, ParameterMetadata, ParameterHistory). */
import type { ParameterView } from "../../../ops/parameters/service.js";
import { toAwsTimestamp } from "../timestamp.js";

const ts = (ms: number) => toAwsTimestamp(new Date(ms));

/** GetParameter's `Parameter` (also an item of GetParameters and GetParametersByPath). */
export function parameterShape(view: ParameterView) {
  return {
    Name: view.name,
    Type: view.type,
    Value: view.value,
    Version: view.version,
    ...(view.selector !== undefined && { Selector: view.selector.slice(view.name.length) }),
    LastModifiedDate: ts(view.lastModified),
    ARN: view.arn,
    DataType: view.dataType,
  };
}

/** The user ARN SSM reports as LastModifiedUser. */
const userArn = (account: string, user: string) => `arn:aws:iam::${account}:user/${user}`;

/** DescribeParameters' `ParameterMetadata`. */
export function metadataShape(view: Omit<ParameterView, "value" | "decrypted">, account: string) {
  return {
    Name: view.name,
    ARN: view.arn,
    Type: view.type,
    ...(view.keyId !== undefined && { KeyId: view.keyId }),
    LastModifiedDate: ts(view.lastModified),
    LastModifiedUser: userArn(account, view.lastModifiedUser),
    ...(view.description !== undefined && { Description: view.description }),
    ...(view.allowedPattern !== undefined && { AllowedPattern: view.allowedPattern }),
    Version: view.version,
    Tier: view.tier,
    Policies: [],
    DataType: view.dataType,
  };
}

/** GetParameterHistory's `ParameterHistory`. */
export function historyShape(view: ParameterView, account: string) {
  const { ARN: _arn, ...meta } = metadataShape(view, account);
  return { ...meta, Value: view.value, Labels: [] };
}
