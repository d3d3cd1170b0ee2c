/**
 * A document's text in the other format, for GetDocument's DocumentFormat: JSON and YAML
 * hold the same document, so the text is parsed and written again (comments in YAML are
 * lost, as SSM loses them).
 */
import { parse, stringify } from "yaml";
import type { DocumentFormat } from "../../../store/fleet-port.js";

/** `content` (stored as `from`) written as `to`. */
export function convertDocument(content: string, from: DocumentFormat, to: DocumentFormat): string {
  if (from === to) return content;
  const value: unknown = from === "JSON" ? JSON.parse(content) : parse(content);
  return to === "JSON" ? JSON.stringify(value, null, 2) : stringify(value);
}
