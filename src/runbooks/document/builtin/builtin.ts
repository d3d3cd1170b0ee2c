/** What a built-in document is: AWS's name and text, owned by "Amazon", never stored. */
import type { DocumentFormat } from "../types.js";

/** A document shipped with opsflow under AWS's name. */
export interface BuiltinDocument {
  name: string;
  owner: "Amazon";
  documentType: "Command";
  format: DocumentFormat;
  /** The document text, parsed like any caller's document. */
  content: string;
}

/** The text indented by `spaces` on every non-empty line (for YAML block scalars). */
export function indented(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .split("\n")
    .map((line) => (line === "" ? line : pad + line))
    .join("\n");
}
