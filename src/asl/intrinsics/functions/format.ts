import { stringArg } from "../args.js";
import { type CallContext, type IntrinsicFunction, intrinsicFailure } from "../function.js";
import { toFormatText } from "../java-text.js";

/**
 * States.Format(template, values...): replaces each `{}` with the next value. A literal
 * template was split at parse time so that escaped `\{\}` stays text; a template read from a
 * path treats every `{}` as a placeholder.
 */
export const format: IntrinsicFunction = {
  minArgs: 1,
  maxArgs: Number.POSITIVE_INFINITY,
  apply(args, call) {
    const template = stringArg(args, 0, call);
    const parts = templateParts(template, call);
    const values = args.slice(1);
    if (parts.length - 1 !== values.length) {
      throw intrinsicFailure(
        call.name,
        `the template has ${parts.length - 1} placeholder(s) but ${values.length} value(s) were given`,
      );
    }
    let text = parts[0];
    for (let i = 0; i < values.length; i++) text += toFormatText(values[i]) + parts[i + 1];
    return text;
  },
};

function templateParts(template: string, call: CallContext): readonly string[] {
  const node = call.argNodes[0];
  if (node?.kind === "literal" && node.formatParts) return node.formatParts;
  return template.split("{}");
}
