/**
 * Host keys in OpenSSH's `type base64` form (as in known_hosts and `*.pub` files), and the
 * wire blobs SSH servers present. Pure.
 */

/** A host key as pinned: its algorithm name and the base64 of its wire blob. */
export interface PinnedHostKey {
  type: string;
  base64: string;
}

/** Parses `type base64 [comment]`, or undefined when it is not that shape. */
export function parseHostKey(text: string): PinnedHostKey | undefined {
  const match = /^\s*([a-z0-9@.-]+)\s+([A-Za-z0-9+/]+={0,2})(\s.*)?$/.exec(text);
  if (!match) return undefined;
  const blob = Buffer.from(match[2], "base64");
  // The blob names its own type first; a pin whose two halves disagree is corrupt.
  return blobType(blob) === match[1] ? { type: match[1], base64: match[2] } : undefined;
}

/** The algorithm name a key blob starts with (an SSH `string`), or undefined. */
export function blobType(blob: Uint8Array): string | undefined {
  if (blob.length < 4) return undefined;
  const length = Buffer.from(blob).readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) return undefined;
  return Buffer.from(blob.subarray(4, 4 + length)).toString("latin1");
}

/** The `type base64` form of a presented key blob. */
export function formatHostKey(blob: Uint8Array): string {
  return `${blobType(blob) ?? "unknown"} ${Buffer.from(blob).toString("base64")}`;
}

/** True when the presented blob is exactly the pinned key. */
export function matchesPinned(blob: Uint8Array, pinned: PinnedHostKey): boolean {
  return Buffer.from(blob).toString("base64") === pinned.base64;
}

/**
 * The host key algorithms to offer for a pinned key of `type`, so the server presents that
 * key and not another of its keys (a server with several keys picks by the client's list).
 */
export function hostKeyAlgorithmsFor(type: string): string[] {
  return type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type];
}
