/** Every Automation action opsflow runs: the one place an action is registered. */
import type { AutomationAction } from "../../types.js";
import type { AutomationActionDefinition } from "../action.js";
import { approve } from "./approve.js";
import { assertAwsResourceProperty } from "./assert-aws-resource-property.js";
import { branch } from "./branch.js";
import { changeInstanceState } from "./change-instance-state.js";
import { copyImage } from "./copy-image.js";
import { createImage } from "./create-image.js";
import { createStack } from "./create-stack.js";
import { createTags } from "./create-tags.js";
import { deleteImage } from "./delete-image.js";
import { deleteStack } from "./delete-stack.js";
import { executeAutomation } from "./execute-automation.js";
import { executeAwsApi } from "./execute-aws-api.js";
import { executeScript } from "./execute-script.js";
import { executeStateMachine } from "./execute-state-machine.js";
import { invokeLambdaFunction } from "./invoke-lambda-function.js";
import { invokeWebhook } from "./invoke-webhook.js";
import { loop } from "./loop.js";
import { pause } from "./pause.js";
import { runCommand } from "./run-command.js";
import { runInstances } from "./run-instances.js";
import { sleep } from "./sleep.js";
import { waitForAwsResourceProperty } from "./wait-for-aws-resource-property.js";

/** The actions by name; a `Record` so a new `AutomationAction` must be registered here. */
export const AUTOMATION_ACTIONS: Readonly<Record<AutomationAction, AutomationActionDefinition>> = {
  "aws:runCommand": runCommand,
  "aws:executeScript": executeScript,
  "aws:invokeLambdaFunction": invokeLambdaFunction,
  "aws:executeAwsApi": executeAwsApi,
  "aws:branch": branch,
  "aws:loop": loop,
  "aws:sleep": sleep,
  "aws:pause": pause,
  "aws:approve": approve,
  "aws:waitForAwsResourceProperty": waitForAwsResourceProperty,
  "aws:assertAwsResourceProperty": assertAwsResourceProperty,
  "aws:executeAutomation": executeAutomation,
  "aws:executeStateMachine": executeStateMachine,
  "aws:invokeWebhook": invokeWebhook,
  "aws:createImage": createImage,
  "aws:deleteImage": deleteImage,
  "aws:changeInstanceState": changeInstanceState,
  "aws:createTags": createTags,
  "aws:copyImage": copyImage,
  "aws:runInstances": runInstances,
  "aws:createStack": createStack,
  "aws:deleteStack": deleteStack,
};

/** True for a registered action name. */
export function isAutomationAction(name: unknown): name is AutomationAction {
  return typeof name === "string" && Object.hasOwn(AUTOMATION_ACTIONS, name);
}
