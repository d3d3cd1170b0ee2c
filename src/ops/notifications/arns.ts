/** ARNs of topics and subscriptions, in SNS's shapes. */

/** Region and account of the ARNs. */
export interface ArnScope {
  region: string;
  account: string;
}

/** `arn:aws:sns:R:A:NAME`. */
export const topicArn = (scope: ArnScope, name: string) =>
  `arn:aws:sns:${scope.region}:${scope.account}:${name}`;

/** `arn:aws:sns:R:A:TOPIC:ID`, as SNS names subscriptions. */
export const subscriptionArn = (topic: string, id: string) => `${topic}:${id}`;

/** SNS topic names: 1-256 letters, digits, hyphens and underscores. */
export const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

const TOPIC_ARN = /^arn:aws[\w-]*:sns:[^:]*:[^:]*:([A-Za-z0-9_-]{1,256})$/;

/** The topic name of a name or topic ARN; undefined when it is neither. */
export function topicNameOf(nameOrArn: string): string | undefined {
  if (TOPIC_NAME.test(nameOrArn)) return nameOrArn;
  return TOPIC_ARN.exec(nameOrArn)?.[1];
}
