/**
 * Splitting an InputTemplate into literal text and `<name>` placeholders, and knowing where
 * each placeholder sits.
 *
 * AWS (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html):
 * a template "surrounded by curly braces" is a JSON template, which "must be valid JSON" and
 * where "the placeholder cannot be used as an object key"; any other template is plain text.
 * "The characters "<" and ">" cannot be escaped" (user guide, Transforming target input), so
 * every `<...>` is a placeholder, inside JSON strings too. A `<` with no `>` before the next
 * `<`, quote or line break is literal text.
 *
 * In a JSON template a placeholder is either in a value position (outside quotes) or inside a
 * JSON string; the two insert values differently (render.ts). Whitespace outside strings is
 * dropped because "The JSON that is passed to the target is minified" (user guide, Common
 * issues with transforming input).
 */

/** Where a placeholder sits. */
export type PlaceholderContext =
  /** JSON template, outside quotes: the value is inserted as JSON. */
  | "value"
  /** JSON template, inside a JSON string: the value's text is inserted. */
  | "string"
  /** Plain-text template. */
  | "text";

/** One piece of a template. */
export type TemplatePart =
  | { readonly kind: "text"; readonly text: string }
  | {
      readonly kind: "placeholder";
      readonly name: string;
      readonly context: PlaceholderContext;
      /** Offset of the `<` in the template. */
      readonly offset: number;
      /** True when the placeholder is (part of) an object key. */
      readonly isKey: boolean;
    };

/** A template split into parts. */
export interface ScannedTemplate {
  readonly json: boolean;
  readonly parts: readonly TemplatePart[];
}

/** True when the template is a JSON template (its first non-blank character is `{`). */
export function isJsonTemplate(template: string): boolean {
  return template.trimStart().startsWith("{");
}

/** The placeholder starting at `i` (`<name>`), or undefined when `<` is literal there. */
function placeholderAt(template: string, i: number): { name: string; end: number } | undefined {
  for (let j = i + 1; j < template.length; j++) {
    const c = template[j];
    if (c === ">") return { name: template.slice(i + 1, j), end: j + 1 };
    if (c === "<" || c === '"' || c === "\n" || c === "\r") return undefined;
  }
  return undefined;
}

const BLANK = new Set([" ", "\t", "\n", "\r"]);

/** The next non-blank character at or after `i`. */
function nextSignificant(text: string, i: number): string | undefined {
  let j = i;
  while (j < text.length && BLANK.has(text[j])) j++;
  return text[j];
}

/** Splits a template into parts. */
export function scanTemplate(template: string): ScannedTemplate {
  const json = isJsonTemplate(template);
  const parts: TemplatePart[] = [];
  let text = "";
  const flush = () => {
    if (text !== "") parts.push({ kind: "text", text });
    text = "";
  };
  if (!json) {
    for (let i = 0; i < template.length; ) {
      const found = template[i] === "<" ? placeholderAt(template, i) : undefined;
      if (!found) {
        text += template[i++];
        continue;
      }
      flush();
      parts.push({
        kind: "placeholder",
        name: found.name,
        context: "text",
        offset: i,
        isKey: false,
      });
      i = found.end;
    }
    flush();
    return { json, parts };
  }
  let inString = false;
  // Placeholders of the string being read, to mark them as keys if a ':' follows it.
  let stringPlaceholders: number[] = [];
  for (let i = 0; i < template.length; ) {
    const c = template[i];
    if (inString) {
      if (c === "\\") {
        text += template.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '"') {
        inString = false;
        text += c;
        i++;
        if (nextSignificant(template, i) === ":") {
          for (const index of stringPlaceholders) {
            const part = parts[index];
            if (part.kind === "placeholder") parts[index] = { ...part, isKey: true };
          }
        }
        continue;
      }
    } else if (c === '"') {
      inString = true;
      stringPlaceholders = [];
      text += c;
      i++;
      continue;
    } else if (BLANK.has(c)) {
      i++; // minified output
      continue;
    }
    const found = c === "<" ? placeholderAt(template, i) : undefined;
    if (!found) {
      text += c;
      i++;
      continue;
    }
    flush();
    const context = inString ? "string" : "value";
    const isKey = !inString && nextSignificant(template, found.end) === ":";
    if (inString) stringPlaceholders.push(parts.length);
    parts.push({ kind: "placeholder", name: found.name, context, offset: i, isKey });
    i = found.end;
  }
  flush();
  return { json, parts };
}
