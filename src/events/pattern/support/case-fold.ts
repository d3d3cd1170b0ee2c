/**
 * Unicode case folding for the `equals-ignore-case` family.
 *
 * event-ruler lets each pattern character match its lower- or upper-case form, including
 * forms of a different length (`ΰ` U+03B0 upper-cases to `Ϋ́` as three code points). Mapping
 * every code point through upper-case and then lower-case gives one canonical spelling for
 * all those variants, so both sides can be compared (or hashed) after folding. It is done
 * per code point, not per string, so the context-sensitive final-sigma rule cannot make a
 * prefix fold differently from the same characters inside a longer value.
 */

const foldCache = new Map<number, string>();
const MAX_CACHE = 65_536;

/** Case-folds `text` so that case-insensitively equal strings fold to the same string. */
export function foldCase(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  // ASCII letters fold to their lower case; this is the hot path for real events.
  if (ascii) return text.toLowerCase();
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let folded = foldCache.get(cp);
    if (folded === undefined) {
      folded = ch.toUpperCase().toLowerCase();
      if (foldCache.size < MAX_CACHE) foldCache.set(cp, folded);
    }
    out += folded;
  }
  return out;
}
