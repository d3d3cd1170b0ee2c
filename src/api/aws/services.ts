/**
 * The AWS JSON-protocol services opsflow answers, keyed by their `X-Amz-Target` prefix.
 * Values come from the botocore service models (`metadata.targetPrefix`, `jsonVersion`,
 * `endpointPrefix`/`signingName`).
 */

/** The two AWS JSON protocol versions; they differ only in the content type. */
export type AwsJsonVersion = "1.0" | "1.1";

/** One AWS JSON service as seen on the wire. */
export interface AwsJsonService {
  /** The `X-Amz-Target` prefix, e.g. `AWSStepFunctions`. */
  targetPrefix: string;
  /** The JSON protocol version, which fixes the content type. */
  jsonVersion: AwsJsonVersion;
  /** The SigV4 signing name clients put in the credential scope. */
  signingName: string;
  /**
   * Namespace written before `#` in error `__type`s, as the real service does; undefined
   * for services that send bare codes. SDKs strip it either way.
   */
  errorNamespace: string | undefined;
}

/** Step Functions: JSON 1.0, signed as `states`. */
export const STEP_FUNCTIONS: AwsJsonService = {
  targetPrefix: "AWSStepFunctions",
  jsonVersion: "1.0",
  signingName: "states",
  errorNamespace: "com.amazonaws.swf.service.v2.model",
};

/** EventBridge (CloudWatch Events): JSON 1.1, signed as `events`. */
export const EVENTBRIDGE: AwsJsonService = {
  targetPrefix: "AWSEvents",
  jsonVersion: "1.1",
  signingName: "events",
  errorNamespace: undefined,
};

/** Systems Manager: JSON 1.1, signed as `ssm`. */
export const SYSTEMS_MANAGER: AwsJsonService = {
  targetPrefix: "AmazonSSM",
  jsonVersion: "1.1",
  signingName: "ssm",
  errorNamespace: undefined,
};

/** Every service the server speaks, by target prefix. */
export const AWS_JSON_SERVICES: ReadonlyMap<string, AwsJsonService> = new Map(
  [STEP_FUNCTIONS, EVENTBRIDGE, SYSTEMS_MANAGER].map((s) => [s.targetPrefix, s]),
);

/** The content type of a JSON protocol version, for requests and responses alike. */
export function awsJsonContentType(version: AwsJsonVersion): string {
  return `application/x-amz-json-${version}`;
}
