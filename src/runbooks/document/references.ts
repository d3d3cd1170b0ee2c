/**
 * Parameter Store references in commands: `{{ssm:NAME}}` and `{{ssm-secure:NAME}}`. Compiling
 * leaves them in place; the server resolves them for each node just before handing the
 * plugins over, so secrets are never stored with the command.
 */
import type { CompiledPlugin } from "./types.js";

/** Which store a reference reads: a String/StringList parameter or a SecureString. */
export type ReferenceKind = "ssm" | "ssm-secure";

/** How the server looks a referenced parameter up. */
export type ReferenceLookup = (kind: ReferenceKind, name: string) => Promise<string>;

/** A reference anywhere in a text (`g` flag: use with matchAll / replace only). */
const REFERENCE = /\{\{\s*(ssm|ssm-secure):([A-Za-z0-9_.\-/]+)\s*\}\}/g;

/** A text that is exactly one reference. */
const WHOLE_REFERENCE = /^\{\{\s*(ssm|ssm-secure):([A-Za-z0-9_.\-/]+)\s*\}\}$/;

/** True when the text is one Parameter Store reference and nothing else. */
export function isWholeReference(text: string): boolean {
  return WHOLE_REFERENCE.test(text);
}

/**
 * The names of every `{{ssm-secure:NAME}}` in `values` (strings, lists and objects at any
 * depth), each once, in the order they first appear: what output redaction must hide.
 */
export function secureReferences(values: unknown): string[] {
  const names = new Set<string>();
  visitStrings(values, (text) => {
    for (const match of text.matchAll(REFERENCE))
      if (match[1] === "ssm-secure") names.add(match[2]);
  });
  return [...names];
}

/**
 * The plugins with every reference replaced by what `lookup` gives for it (each distinct
 * reference is looked up once). The plugins given are not changed. A failed lookup rejects.
 */
export async function resolveReferences(
  plugins: readonly CompiledPlugin[],
  lookup: ReferenceLookup,
): Promise<CompiledPlugin[]> {
  const wanted = new Map<string, { kind: ReferenceKind; name: string }>();
  visitStrings(plugins, (text) => {
    for (const match of text.matchAll(REFERENCE)) {
      const kind = match[1] as ReferenceKind;
      wanted.set(`${kind}:${match[2]}`, { kind, name: match[2] });
    }
  });
  const resolved = new Map<string, string>();
  for (const [key, { kind, name }] of wanted) resolved.set(key, await lookup(kind, name));
  const substitute = (text: string) =>
    text.replace(REFERENCE, (_all, kind: string, name: string) => resolved.get(`${kind}:${name}`)!);
  return plugins.map((plugin) => ({
    ...plugin,
    runCommand: plugin.runCommand.map(substitute),
    ...(plugin.workingDirectory === undefined
      ? {}
      : { workingDirectory: substitute(plugin.workingDirectory) }),
    ...(plugin.targetVersion === undefined
      ? {}
      : { targetVersion: substitute(plugin.targetVersion) }),
  }));
}

/** Calls `visit` with every string inside `value`. */
function visitStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) for (const item of value) visitStrings(item, visit);
  else if (typeof value === "object" && value !== null)
    for (const item of Object.values(value)) visitStrings(item, visit);
}
