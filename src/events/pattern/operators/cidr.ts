/**
 * `cidr` (IPv4 and IPv6). A CIDR block is a bit prefix of the address, so each rule is
 * stored under its masked network address per mask length; a value is looked up once per
 * distinct mask length in use, however many rules there are. Host bits in the pattern are
 * ignored (`220.160.154.255/24` is `220.160.154.0/24`). Numbers never match.
 */

import type {
  CidrCondition,
  LeafValue,
  OperatorDefinition,
  OperatorIndex,
  ParseContext,
} from "../condition.js";
import type { PatternNode } from "../pattern-json.js";
import { maskedKey, parseIp } from "../support/ip.js";
import { multiAdd, multiRemove } from "../support/multimap.js";

/** Compiles the operand of `cidr`. */
export function parseCidr(node: PatternNode, ctx: ParseContext): CidrCondition {
  // AWS's own wording for a non-string cidr operand.
  if (node.type !== "string") return ctx.fail("prefix match pattern must be a string");
  const parts = node.value.split("/");
  if (parts.length !== 2) return ctx.fail("Malformed CIDR, one '/' required");
  const [address, mask] = parts as [string, string];
  if (!/^-?\d{1,9}$/.test(mask)) ctx.fail("Malformed CIDR, mask bits must be an integer");
  const bits = Number(mask);
  if (bits < 0) ctx.fail("Malformed CIDR, mask bits must not be negative");
  const ip = parseIp(address);
  if (!ip) return ctx.fail(`Nonstandard IP address: ${address}`);
  if (ip.family === 4 && bits > 32) ctx.fail("IPv4 mask bits must be < 32");
  if (ip.family === 6 && bits > 128) ctx.fail("IPv6 mask bits must be < 128");
  return { kind: "cidr", family: ip.family, bits, network: maskedKey(ip, bits) };
}

class CidrIndex<T> implements OperatorIndex<CidrCondition, T> {
  /** family -> mask length -> masked network -> targets. */
  private readonly blocks = {
    4: new Map<number, Map<string | number, T[]>>(),
    6: new Map<number, Map<string | number, T[]>>(),
  };
  size = 0;

  add(condition: CidrCondition, target: T): void {
    const byBits = this.blocks[condition.family];
    let networks = byBits.get(condition.bits);
    if (!networks) {
      networks = new Map();
      byBits.set(condition.bits, networks);
    }
    multiAdd(networks, condition.network, target);
    this.size++;
  }

  remove(condition: CidrCondition, target: T): void {
    const byBits = this.blocks[condition.family];
    const networks = byBits.get(condition.bits);
    if (!networks) return;
    multiRemove(networks, condition.network, target);
    if (networks.size === 0) byBits.delete(condition.bits);
    this.size--;
  }

  collect(value: LeafValue, out: T[]): void {
    if (typeof value !== "string") return;
    const ip = parseIp(value);
    if (!ip) return;
    for (const [bits, networks] of this.blocks[ip.family]) {
      const hit = networks.get(maskedKey(ip, bits));
      if (hit) for (const t of hit) out.push(t);
    }
  }
}

/** Registry entry for CIDR blocks. */
export const cidrOperator: OperatorDefinition<CidrCondition> = {
  kind: "cidr",
  key: (c) => `${c.family}/${c.bits}/${c.network}`,
  createIndex: <T>() => new CidrIndex<T>(),
};
