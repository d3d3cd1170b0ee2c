/** The built-in documents by name. */
import { AWS_RUN_PATCH_BASELINE } from "./aws-run-patch-baseline.js";
import { AWS_RUN_POWERSHELL_SCRIPT } from "./aws-run-powershell-script.js";
import { AWS_RUN_SHELL_SCRIPT } from "./aws-run-shell-script.js";
import { AWS_UPDATE_SSM_AGENT } from "./aws-update-ssm-agent.js";
import type { BuiltinDocument } from "./builtin.js";

export type { BuiltinDocument } from "./builtin.js";

/** Every built-in document, by its AWS name. */
export const BUILTIN_DOCUMENTS: Readonly<Record<string, BuiltinDocument>> = Object.freeze(
  Object.fromEntries(
    [
      AWS_RUN_SHELL_SCRIPT,
      AWS_RUN_POWERSHELL_SCRIPT,
      AWS_RUN_PATCH_BASELINE,
      AWS_UPDATE_SSM_AGENT,
    ].map((document) => [document.name, document]),
  ),
);
