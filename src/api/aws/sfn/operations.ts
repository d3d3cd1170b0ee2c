/**
 * The Step Functions operations the AWS-compatible endpoint answers, in one table: each
 * reads its request members (validated), calls the shared services and returns the wire shape.
 */

import { ServiceError } from "../../../runtime/durable/errors.js";
import { checkDefinition } from "../../../runtime/durable/service/state-machines.js";
import type { StateMachineType } from "../../../store/workflows-port.js";
import { activityArn, aliasArn, executionArn, stateMachineArn, versionArn } from "../../arns.js";
import type { ApiContext, Principal } from "../../context.js";
import { sfnError } from "../sfn-errors.js";
import { toAwsTimestamp } from "../timestamp.js";
import { wireEvent } from "./history.js";
import { bool, int, type Members, optional, required, str, structures } from "./members.js";
import {
  describeAlias,
  describeExecution,
  describeStateMachine,
  executionSummary,
  versionSummary,
} from "./shapes.js";

/** The caller is passed too: a start is charged to the caller's team. */
type Operation = (request: Members, api: ApiContext, principal: Principal) => Promise<unknown>;

const ts = (ms: number) => toAwsTimestamp(new Date(ms));
const page = (request: Members) => ({
  limit: int(request, "maxResults", { min: 0, max: 1000 }) || 100,
  ...(optional(request, "nextToken", str) !== undefined && {
    nextToken: str(request, "nextToken"),
  }),
});
const pageOut = (nextToken: string | undefined) => (nextToken ? { nextToken } : {});

/** Operation name → implementation. */
export const sfnOperations: Record<string, Operation> = {
  async CreateStateMachine(request, api) {
    const type = (optional(request, "type", str) ?? "STANDARD") as StateMachineType;
    if (type !== "STANDARD" && type !== "EXPRESS")
      throw new ServiceError("ValidationException", "type must be STANDARD or EXPRESS");
    const tags = optional(request, "tags", structures)?.map((tag) => [
      str(tag, "key"),
      str(tag, "value"),
    ]);
    const { record: machine, version } = await api.stateMachines.create({
      name: str(request, "name", { max: 80 }),
      definition: str(request, "definition", { max: 1_048_576 }),
      ...(optional(request, "roleArn", str) !== undefined && { roleArn: str(request, "roleArn") }),
      type,
      ...(tags && { tags: Object.fromEntries(tags) }),
      ...(optional(request, "publish", bool) && { publish: true }),
      ...(optional(request, "versionDescription", str) !== undefined && {
        versionDescription: str(request, "versionDescription"),
      }),
    });
    return {
      stateMachineArn: machine.arn,
      creationDate: ts(machine.createdAt),
      ...(version && { stateMachineVersionArn: version.arn }),
    };
  },
  async UpdateStateMachine(request, api) {
    const { record: machine, version } = await api.stateMachines.update(
      stateMachineArn(required(request, "stateMachineArn", str)),
      {
        ...(optional(request, "definition", str) !== undefined && {
          definition: str(request, "definition"),
        }),
        ...(optional(request, "roleArn", str) !== undefined && {
          roleArn: str(request, "roleArn"),
        }),
        ...(optional(request, "publish", bool) && { publish: true }),
      },
    );
    return {
      updateDate: ts(machine.updatedAt),
      revisionId: machine.revisionId,
      ...(version && { stateMachineVersionArn: version.arn }),
    };
  },
  async DeleteStateMachine(request, api) {
    await api.stateMachines.delete(stateMachineArn(required(request, "stateMachineArn", str)));
    return {};
  },
  async DescribeStateMachine(request, api) {
    const arn = stateMachineArn(required(request, "stateMachineArn", str));
    const resolved = await api.engine.starter.resolve(arn);
    if (resolved.qualifiedArn) {
      const version = await api.stateMachines.describe(resolved.stateMachineArn);
      return {
        ...describeStateMachine(version, resolved.name, resolved.type),
        stateMachineArn: arn,
        definition: resolved.definition,
      };
    }
    const machine = await api.stateMachines.describe(arn);
    return describeStateMachine(machine, machine.name, machine.type);
  },
  async ListStateMachines(request, api) {
    const result = await api.stateMachines.list(page(request));
    return {
      stateMachines: result.items.map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: m.type,
        creationDate: ts(m.createdAt),
      })),
      ...pageOut(result.nextToken),
    };
  },
  async ValidateStateMachineDefinition(request) {
    const type = (optional(request, "type", str) ?? "STANDARD") as StateMachineType;
    try {
      checkDefinition(str(request, "definition"), type);
      return { result: "OK", diagnostics: [] };
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      return {
        result: "FAIL",
        diagnostics: [
          { severity: "ERROR", code: "SCHEMA_VALIDATION_FAILED", message: error.message },
        ],
      };
    }
  },
  async PublishStateMachineVersion(request, api) {
    const machine = await api.stateMachines.describe(
      stateMachineArn(required(request, "stateMachineArn", str)),
    );
    const version = await api.stateMachines.publish(machine, optional(request, "description", str));
    return { stateMachineVersionArn: version.arn, creationDate: ts(version.createdAt) };
  },
  async ListStateMachineVersions(request, api) {
    const result = await api.engine.store.listVersions(
      stateMachineArn(required(request, "stateMachineArn", str)),
      page(request),
    );
    return { stateMachineVersions: result.items.map(versionSummary), ...pageOut(result.nextToken) };
  },
  async DeleteStateMachineVersion(request, api) {
    await api.engine.store.deleteVersion(
      versionArn(required(request, "stateMachineVersionArn", str)),
    );
    return {};
  },
  async CreateStateMachineAlias(request, api) {
    const routing = required(request, "routingConfiguration", structures).map((route) => ({
      stateMachineVersionArn: versionArn(str(route, "stateMachineVersionArn")),
      weight: int(route, "weight", { min: 0, max: 100 }),
    }));
    const alias = await api.stateMachines.createAlias({
      name: str(request, "name"),
      routing,
      ...(optional(request, "description", str) !== undefined && {
        description: str(request, "description"),
      }),
    });
    return { stateMachineAliasArn: alias.arn, creationDate: ts(alias.createdAt) };
  },
  async DescribeStateMachineAlias(request, api) {
    const alias = await api.engine.store.getAlias(
      aliasArn(required(request, "stateMachineAliasArn", str)),
    );
    if (!alias) throw new ServiceError("ResourceNotFound", "Alias does not exist");
    return describeAlias(alias);
  },
  async ListStateMachineAliases(request, api) {
    const result = await api.engine.store.listAliases(
      stateMachineArn(required(request, "stateMachineArn", str)),
      page(request),
    );
    return {
      stateMachineAliases: result.items.map((a) => ({
        stateMachineAliasArn: a.arn,
        creationDate: ts(a.createdAt),
      })),
      ...pageOut(result.nextToken),
    };
  },
  async DeleteStateMachineAlias(request, api) {
    await api.engine.store.deleteAlias(aliasArn(required(request, "stateMachineAliasArn", str)));
    return {};
  },
  async StartExecution(request, api, principal) {
    const execution = await api.executions.start({
      stateMachineArn: stateMachineArn(required(request, "stateMachineArn", str)),
      caller: principal.user,
      ...(optional(request, "name", str) !== undefined && { name: str(request, "name") }),
      ...(optional(request, "input", str) !== undefined && {
        input: str(request, "input", { max: 262_144 * 4 }),
      }),
    });
    return { executionArn: execution.arn, startDate: ts(execution.startedAt) };
  },
  async StartSyncExecution(request, api) {
    const arn = stateMachineArn(required(request, "stateMachineArn", str));
    // AWS's code for a STANDARD machine here is StateMachineTypeNotSupported (the service
    // says ValidationException, which has no such code); checked before the service runs.
    if ((await api.engine.starter.resolve(arn)).type !== "EXPRESS") {
      throw sfnError(
        "StateMachineTypeNotSupported",
        "This operation is not supported by this type of state machine: StartSyncExecution needs an EXPRESS state machine.",
      );
    }
    const { record: execution, result } = await api.executions.startSync({
      stateMachineArn: arn,
      ...(optional(request, "name", str) !== undefined && { name: str(request, "name") }),
      ...(optional(request, "input", str) !== undefined && { input: str(request, "input") }),
    });
    return {
      executionArn: execution.arn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      startDate: ts(execution.startedAt),
      stopDate: ts(execution.stoppedAt ?? execution.startedAt),
      status: result.status,
      input: execution.input,
      inputDetails: { included: true },
      ...(result.output !== undefined && {
        output: JSON.stringify(result.output),
        outputDetails: { included: true },
      }),
      ...(result.error !== undefined && { error: result.error }),
      ...(result.cause !== undefined && { cause: result.cause }),
    };
  },
  async DescribeExecution(request, api) {
    return describeExecution(
      await api.executions.describe(executionArn(required(request, "executionArn", str))),
    );
  },
  async DescribeStateMachineForExecution(request, api) {
    const execution = await api.executions.describe(
      executionArn(required(request, "executionArn", str)),
    );
    const machine = await api.engine.store.getStateMachine(execution.stateMachineArn);
    return {
      stateMachineArn: execution.stateMachineArn,
      name: execution.stateMachineArn.split(":")[6],
      definition: execution.definition,
      roleArn: execution.roleArn,
      updateDate: ts(machine?.updatedAt ?? execution.startedAt),
      loggingConfiguration: { level: "OFF", includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  },
  async ListExecutions(request, api) {
    const status = optional(request, "statusFilter", str);
    const machineArn = optional(request, "stateMachineArn", str);
    if (!machineArn) throw new ServiceError("ValidationException", "stateMachineArn is required");
    stateMachineArn(machineArn);
    const result = await api.executions.list(
      {
        stateMachineArn: machineArn.split(":").slice(0, 7).join(":"),
        ...(status && { status: status as never }),
      },
      page(request),
    );
    return { executions: result.items.map(executionSummary), ...pageOut(result.nextToken) };
  },
  async GetExecutionHistory(request, api) {
    const result = await api.executions.history(
      executionArn(required(request, "executionArn", str)),
      page(request),
      optional(request, "reverseOrder", bool) ?? false,
    );
    return { events: result.items.map(wireEvent), ...pageOut(result.nextToken) };
  },
  async StopExecution(request, api) {
    const execution = await api.executions.stop(
      executionArn(required(request, "executionArn", str)),
      optional(request, "error", str),
      optional(request, "cause", str),
    );
    return { stopDate: ts(execution.stoppedAt ?? Date.now()) };
  },
  async RedriveExecution(request, api) {
    const execution = await api.executions.redrive(
      executionArn(required(request, "executionArn", str)),
    );
    return { redriveDate: ts(execution.redrivenAt ?? Date.now()) };
  },
  async SendTaskSuccess(request, api) {
    await api.tasks.sendSuccess(
      required(request, "taskToken", str),
      required(request, "output", str),
    );
    return {};
  },
  async SendTaskFailure(request, api) {
    await api.tasks.sendFailure(
      required(request, "taskToken", str),
      optional(request, "error", str),
      optional(request, "cause", str),
    );
    return {};
  },
  async SendTaskHeartbeat(request, api) {
    await api.tasks.sendHeartbeat(required(request, "taskToken", str));
    return {};
  },
  async CreateActivity(request, api) {
    const activity = await api.tasks.createActivity(str(request, "name", { max: 80 }));
    return { activityArn: activity.arn, creationDate: ts(activity.createdAt) };
  },
  async DeleteActivity(request, api) {
    await api.tasks.deleteActivity(activityArn(required(request, "activityArn", str)));
    return {};
  },
  async DescribeActivity(request, api) {
    const activity = await api.tasks.describeActivity(
      activityArn(required(request, "activityArn", str)),
    );
    return { activityArn: activity.arn, name: activity.name, creationDate: ts(activity.createdAt) };
  },
  async ListActivities(request, api) {
    const result = await api.tasks.listActivities(page(request));
    return {
      activities: result.items.map((a) => ({
        activityArn: a.arn,
        name: a.name,
        creationDate: ts(a.createdAt),
      })),
      ...pageOut(result.nextToken),
    };
  },
  async GetActivityTask(request, api) {
    const task = await api.tasks.getActivityTask(
      activityArn(required(request, "activityArn", str)),
      optional(request, "workerName", (m, n) => str(m, n, { max: 80 })),
    );
    return task ? { taskToken: task.token, input: JSON.stringify(task.input) } : {};
  },
};
