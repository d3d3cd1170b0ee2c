/**
 * Parameter ARNs given where a name is expected (GetParameter, GetParameters,
 * GetParameterHistory take either, as SSM does): `arn:PARTITION:ssm:REGION:ACCOUNT:parameter/PATH`,
 * where PATH is the name without its leading `/` (`/a/b` → `parameter/a/b`, `a` →
 * `parameter/a`), optionally followed by `:VERSION`. Pure: what an ARN stands for on a given
 * server is decided by the parameter service.
 */

/** The parts of a parameter ARN. */
export interface ParameterArn {
  partition: string;
  region: string;
  account: string;
  /** The ARN's path, without the leading `parameter/` and without a `:VERSION`. */
  path: string;
  /** The `:VERSION` suffix (with its colon), or "". */
  version: string;
  /**
   * The parameter's ARN as permissions are checked on it: service `ssm`, no version. SSM does
   * not check an ARN's service part, so `arn:aws:foo:...:parameter/x` names the same parameter.
   */
  resource: string;
}

const ARN = /^arn:([^:]+):([^:]*):([^:]*):([^:]*):parameter\/([^:]+)(:[^:]*)?$/;

/** True when `text` is meant as an ARN rather than a name (no name may contain `:`). */
export const looksLikeArn = (text: string): boolean => text.startsWith("arn:");

/** The parts of `text` when it is a parameter ARN; undefined otherwise. */
export function parseParameterArn(text: string): ParameterArn | undefined {
  const match = ARN.exec(text);
  if (!match) return undefined;
  const [, partition, , region, account, path, version = ""] = match;
  return {
    partition,
    region,
    account,
    path,
    version,
    resource: `arn:${partition}:ssm:${region}:${account}:parameter/${path}`,
  };
}

/**
 * The names an ARN's path may stand for: `a/b` is `/a/b`; a single level `a` is the ARN of
 * both `a` and `/a` (SSM writes the same ARN for both), the first preferred.
 */
export function namesOfPath(path: string): string[] {
  return path.includes("/") ? [`/${path}`] : [path, `/${path}`];
}
