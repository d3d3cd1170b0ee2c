/**
 * Task `Resource` checks: the value must be a Lambda function ARN, an activity ARN or a
 * Step Functions service integration (`arn:aws:states:::service:action[.suffix]`); EXPRESS
 * machines refuse activities, `.sync` and `.waitForTaskToken`, as AWS does at create time.
 */
import type { ValidationContext } from "./context.js";

const PARTITION = "aws(?:-cn|-us-gov|-iso|-iso-b)?";
const LAMBDA_ARN = new RegExp(
  `^arn:${PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,140}(:[A-Za-z0-9_$-]+)?$`,
);
const ACTIVITY_ARN = new RegExp(`^arn:${PARTITION}:states:[a-z0-9-]+:\\d{12}:activity:[^:]+$`);
// The action's dotted part may be camelCase: opsflow's `automation.runCommand` resources.
const INTEGRATION = new RegExp(
  `^arn:${PARTITION}:states:::([a-z0-9-]+):([A-Za-z0-9:]+?(?:\\.[A-Za-z]+)??)(\\.sync(?::2)?|\\.waitForTaskToken)?$`,
);

/**
 * Optimized integrations (service -> actions) that Step Functions recognises; `aws-sdk:*`
 * integrations are accepted for any service and action.
 */
const OPTIMIZED: Record<string, readonly string[]> = {
  lambda: ["invoke"],
  sns: ["publish"],
  sqs: ["sendMessage"],
  dynamodb: ["getItem", "putItem", "updateItem", "deleteItem"],
  states: ["startExecution"],
  events: ["putEvents"],
  http: ["invoke"],
  apigateway: ["invoke"],
  ecs: ["runTask"],
  batch: ["submitJob"],
  glue: ["startJobRun"],
  athena: ["startQueryExecution", "stopQueryExecution", "getQueryExecution", "getQueryResults"],
  codebuild: ["startBuild", "stopBuild", "batchDeleteBuilds", "batchGetReports", "startBuildBatch"],
  bedrock: ["invokeModel", "createModelCustomizationJob"],
  eks: ["runJob", "call", "createCluster", "deleteCluster", "createNodegroup", "deleteNodegroup"],
  sagemaker: [
    "createTrainingJob",
    "createTransformJob",
    "createProcessingJob",
    "createModel",
    "createEndpoint",
    "createEndpointConfig",
    "createHyperParameterTuningJob",
    "createLabelingJob",
    "updateEndpoint",
  ],
  elasticmapreduce: [
    "createCluster",
    "terminateCluster",
    "addStep",
    "cancelStep",
    "setClusterTerminationProtection",
    "modifyInstanceFleetByName",
    "modifyInstanceGroupByName",
  ],
  "emr-containers": ["startJobRun", "createVirtualCluster", "deleteVirtualCluster"],
  "emr-serverless": [
    "createApplication",
    "startApplication",
    "stopApplication",
    "deleteApplication",
    "startJobRun",
    "cancelJobRun",
  ],
  databrew: ["startJobRun"],
  mediaconvert: ["createJob"],
};

/** Checks a Task's Resource at `location` (the pointer of the Resource field). */
export function checkResource(ctx: ValidationContext, resource: string, location: string): void {
  const express = ctx.type === "EXPRESS";
  if (LAMBDA_ARN.test(resource)) return;
  const integration = INTEGRATION.exec(resource);
  if (integration) {
    const [, service, action, suffix] = integration;
    // opsflow's own integrations (approvals, `incident.open`, ...) are named by the runtime that
    // serves them; a runner that does not know one fails the task at run time.
    const known =
      service === "aws-sdk"
        ? /^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)
        : service === "opsflow" ||
          (Object.hasOwn(OPTIMIZED, service) && OPTIMIZED[service].includes(action));
    if (!known || (service === "aws-sdk" && suffix?.startsWith(".sync"))) {
      ctx.schema(location, notRecognized(resource));
      return;
    }
    if (express && suffix?.startsWith(".sync")) {
      ctx.schema(location, "Express state machine does not support '.sync' service integration");
    }
    if (express && suffix === ".waitForTaskToken") {
      // AWS's message ends with a space; kept so formatted messages match byte for byte.
      ctx.schema(
        location,
        "Express state machine does not support '.waitForTaskToken' service integration ",
      );
    }
    return;
  }
  if (ACTIVITY_ARN.test(resource) || (express && !resource.startsWith("arn:"))) {
    // AWS treats a Resource that is neither a function nor an integration as an activity.
    if (express) ctx.schema(location, "Express state machine does not support Activity ARN");
    return;
  }
  ctx.schema(location, notRecognized(resource));
}

function notRecognized(resource: string): string {
  return `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`;
}
