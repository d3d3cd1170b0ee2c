/** ARNs of event bus resources, in AWS's shapes. */

/** Region and account of the ARNs. */
export interface ArnScope {
  region: string;
  account: string;
}

const base = (scope: ArnScope) => `arn:aws:events:${scope.region}:${scope.account}`;

/** `arn:aws:events:R:A:event-bus/NAME`. */
export const busArn = (scope: ArnScope, name: string) => `${base(scope)}:event-bus/${name}`;

/** Rules of the default bus are `rule/NAME`; of another bus `rule/BUS/NAME` (as AWS). */
export const ruleArn = (scope: ArnScope, bus: string, name: string) =>
  `${base(scope)}:rule/${bus === "default" ? "" : `${bus}/`}${name}`;

/** `arn:aws:events:R:A:connection/NAME/UUID`. */
export const connectionArn = (scope: ArnScope, name: string, id: string) =>
  `${base(scope)}:connection/${name}/${id}`;

/** `arn:aws:events:R:A:api-destination/NAME/UUID`. */
export const apiDestinationArn = (scope: ArnScope, name: string, id: string) =>
  `${base(scope)}:api-destination/${name}/${id}`;

/** `arn:aws:events:R:A:archive/NAME`. */
export const archiveArn = (scope: ArnScope, name: string) => `${base(scope)}:archive/${name}`;

/** `arn:aws:events:R:A:replay/NAME`. */
export const replayArn = (scope: ArnScope, name: string) => `${base(scope)}:replay/${name}`;

const ARCHIVE_ARN = /^arn:aws[\w-]*:events:[^:]*:[^:]*:archive\/(.+)$/;

/** The archive name of an archive ARN; undefined for anything else. */
export function archiveNameOf(arn: string): string | undefined {
  return ARCHIVE_ARN.exec(arn)?.[1];
}

const RULE_ARN = /^arn:aws[\w-]*:events:[^:]*:[^:]*:rule\/(?:(.+)\/)?([^/]+)$/;

/** The bus and rule names of a rule ARN; undefined for anything else. */
export function ruleOfArn(arn: string): { bus: string; name: string } | undefined {
  const match = RULE_ARN.exec(arn);
  return match ? { bus: match[1] ?? "default", name: match[2] } : undefined;
}

const BUS_ARN = /^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/;

/** The bus name of an event bus ARN; undefined for anything else. */
export function busOfArn(arn: string): string | undefined {
  return BUS_ARN.exec(arn)?.[1];
}

/** The bus name of a name or an event bus ARN. */
export function busNameOf(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined || nameOrArn === "") return "default";
  return BUS_ARN.exec(nameOrArn)?.[1] ?? nameOrArn;
}

/** What a target ARN designates. */
export type TargetKind =
  | { kind: "state-machine"; arn: string }
  | { kind: "function"; name: string }
  | { kind: "api-destination"; arn: string }
  | { kind: "event-bus"; name: string }
  | { kind: "topic"; arn: string };

const STATE_MACHINE = /^arn:aws[\w-]*:states:[^:]*:[^:]*:stateMachine:[^:]+(:[^:]+)?$/;
const FUNCTION = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(:[^:]+)?$/;
const API_DESTINATION = /^arn:aws[\w-]*:events:[^:]*:[^:]*:api-destination\/[^/]+(\/[^/]+)?$/;
const TOPIC = /^arn:aws[\w-]*:sns:[^:]*:[^:]*:[^:]+$/;

/** Classifies a target ARN; undefined for kinds opsflow cannot deliver to. */
export function targetKind(arn: string): TargetKind | undefined {
  if (STATE_MACHINE.test(arn)) return { kind: "state-machine", arn };
  const fn = FUNCTION.exec(arn);
  if (fn) return { kind: "function", name: fn[1] };
  if (API_DESTINATION.test(arn)) return { kind: "api-destination", arn };
  const bus = BUS_ARN.exec(arn);
  if (bus) return { kind: "event-bus", name: bus[1] };
  if (TOPIC.test(arn)) return { kind: "topic", arn };
  return undefined;
}
