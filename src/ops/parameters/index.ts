/**
 * Parameters as the server runs them: the service, the `aws-sdk:ssm:getParameter` task, the
 * dispatcher wrapper that resolves `{{resolve:ssm...}}` references at dispatch, and what
 * functions read through their context. Called by the composition root.
 */

import type { TaskDispatcher } from "../../runtime/task-dispatcher.js";
import type { ResourceRunner } from "../../tasks/chain.js";
import type { ParameterReader } from "../../tasks/functions/protocol.js";
import { ParameterError } from "./errors.js";
import { type DefinitionLookup, resolvingDispatcher } from "./references.js";
import { type ParameterDependencies, ParameterService } from "./service.js";
import { ssmGetParameterRunner } from "./ssm-task.js";

export { ParameterError, type ParameterErrorCode } from "./errors.js";
export { type Decryption, ParameterService, type ParameterView } from "./service.js";

/** What the parameters part is built from: what its service is. */
export type ParametersDependencies = ParameterDependencies;

/** The running parameters part. */
export interface Parameters {
  service: ParameterService;
  /** `arn:aws:states:::aws-sdk:ssm:getParameter`. */
  runners: ResourceRunner[];
  /**
   * Wraps the task dispatcher so references resolve right before dispatch (those the
   * execution's definition names).
   */
  resolving(dispatcher: TaskDispatcher, definitionOf: DefinitionLookup): TaskDispatcher;
  /**
   * Reads for function code (`context.getParameter`). Deployed functions are trusted like
   * the admin who deployed them: they may read and decrypt any parameter.
   */
  reader: ParameterReader;
}

/** Builds the parameters part. */
export function buildParameters(deps: ParametersDependencies): Parameters {
  const service = new ParameterService(deps);
  return {
    service,
    runners: [ssmGetParameterRunner(service)],
    resolving: (dispatcher, definitionOf) => resolvingDispatcher(dispatcher, service, definitionOf),
    async reader(name, withDecryption) {
      try {
        const view = await service.get(name, withDecryption);
        return {
          parameter: {
            Name: view.name,
            Type: view.type,
            Value: view.value,
            Version: view.version,
            LastModifiedDate: new Date(view.lastModified).toISOString(),
            ARN: view.arn,
            DataType: view.dataType,
          },
        };
      } catch (error) {
        if (error instanceof ParameterError)
          return { error: { errorType: error.code, errorMessage: error.message } };
        throw error;
      }
    },
  };
}
