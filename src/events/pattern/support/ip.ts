/**
 * IPv4 / IPv6 address parsing for `cidr` and for exact-match values that are IP addresses
 * (event-ruler compiles those to one-address ranges, so `2400:6500:FF00::36FB:1F80` also
 * matches the same address spelled in lower case or without `::`).
 */

/** A parsed address: IPv4 as one 32-bit number, IPv6 as eight 16-bit groups. */
export type IpAddress = { family: 4; value: number } | { family: 6; groups: number[] };

const V4_PART = /^(?:0|[1-9]\d{0,2})$/;

function parseV4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!V4_PART.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseGroups(text: string, out: number[]): boolean {
  if (text === "") return true;
  const parts = text.split(":");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseV4(part);
      if (v4 === undefined) return false;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
      continue;
    }
    if (!HEX_GROUP.test(part)) return false;
    out.push(Number.parseInt(part, 16));
  }
  return true;
}

function parseV6(text: string): number[] | undefined {
  const gap = text.indexOf("::");
  if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) return undefined;
  if (gap < 0) {
    const groups: number[] = [];
    if (!parseGroups(text, groups) || groups.length !== 8) return undefined;
    return groups;
  }
  const head: number[] = [];
  const tail: number[] = [];
  if (!parseGroups(text.slice(0, gap), head) || !parseGroups(text.slice(gap + 2), tail)) {
    return undefined;
  }
  if (head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** Parses a textual IP address; undefined when `text` is not one. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  if (text.includes(":")) {
    const groups = parseV6(text);
    return groups ? { family: 6, groups } : undefined;
  }
  const value = parseV4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/** The address with all bits after the first `bits` cleared, as a hashable key. */
export function maskedKey(ip: IpAddress, bits: number): string | number {
  if (ip.family === 4) {
    if (bits <= 0) return 0;
    if (bits >= 32) return ip.value;
    const size = 2 ** (32 - bits);
    return ip.value - (ip.value % size);
  }
  let key = "";
  for (let g = 0; g < 8; g++) {
    const keep = Math.max(0, Math.min(16, bits - g * 16));
    const group = keep === 0 ? 0 : ip.groups[g]! & ((0xffff << (16 - keep)) & 0xffff);
    key += `${group.toString(16)}:`;
  }
  return key;
}

/** One canonical spelling per address, used as the exact-match key of IP values. */
export function canonicalIp(ip: IpAddress): string {
  return ip.family === 4 ? `4/${ip.value}` : `6/${maskedKey(ip, 128)}`;
}
