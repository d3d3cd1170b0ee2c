/**
 * Opening an authenticated SSH connection to a host whose key is pinned: the presented host
 * key is checked during key exchange, before any credential is sent, and every way of failing
 * becomes an {@link SshConnectError}.
 */
import { Client, type ConnectConfig, type ServerHostKeyAlgorithm } from "ssh2";
import { SshConnectError } from "./errors.js";
import { formatHostKey, hostKeyAlgorithmsFor, matchesPinned, parseHostKey } from "./host-key.js";

/** Where a host listens. */
export interface SshAddress {
  host: string;
  port: number;
}

/** What connecting as a user to a pinned host needs. */
export interface SshTarget extends SshAddress {
  user: string;
  /** The client's private key (OpenSSH or PEM text). */
  privateKey: string;
  /** The pinned host key, `type base64` (from {@link probeHostKey} at registration). */
  hostKey: string;
}

/** Default handshake (TCP connect included) allowance, ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;

/** An ssh2 error: an Error with the phase it happened in. */
interface LeveledError extends Error {
  level?: string;
  code?: string;
}

/**
 * The typed error for an ssh2 connection failure at `address`. `hostKeyRefused` is set when
 * our own verifier turned the host down (ssh2 reports that as a generic handshake error).
 */
export function classifyConnectError(
  error: LeveledError,
  address: SshAddress,
  hostKeyRefused: string | undefined,
): SshConnectError {
  const where = `${address.host}:${address.port}`;
  if (hostKeyRefused !== undefined) {
    return new SshConnectError(
      "host-key-changed",
      `The host key of ${where} is not the pinned one (it presented ${hostKeyRefused}). ` +
        "Nothing was sent or run. If the host was reinstalled or its key rotated on purpose, " +
        "check the new key out of band and register the host again; otherwise something is " +
        "impersonating it.",
      { cause: error },
    );
  }
  if (error.level === "handshake" && /host key/i.test(error.message)) {
    return new SshConnectError(
      "host-key-changed",
      `${where} no longer offers a host key of the pinned type (${error.message}). Nothing ` +
        "was sent or run. Check the host's keys out of band and register it again.",
      { cause: error },
    );
  }
  if (error.level === "client-timeout" || error.code === "ETIMEDOUT") {
    return new SshConnectError(
      "timeout",
      `${where} did not complete an SSH handshake in time. Check that an SSH server (not ` +
        "another service) listens on that port and that no firewall drops the traffic.",
      { cause: error },
    );
  }
  if (error.level === "client-authentication") {
    return new SshConnectError(
      "auth",
      `${where} refused the private key. Check the user name and that the key's public half ` +
        "is in that user's authorized_keys on the host.",
      { cause: error },
    );
  }
  return new SshConnectError(
    "unreachable",
    `Could not reach an SSH server at ${where} (${error.code ?? error.message}). Check the ` +
      "address and port, that sshd runs there, and that this server can route to it.",
    { cause: error },
  );
}

/** Opens a connection, or rejects with an SshConnectError; close it with `client.end()`. */
export function connectPinned(
  target: SshTarget,
  timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
): Promise<Client> {
  const pinned = parseHostKey(target.hostKey);
  if (!pinned) {
    return Promise.reject(
      new SshConnectError(
        "host-key-changed",
        `The pinned host key of ${target.host}:${target.port} is not in "type base64" form; ` +
          "register the host again to pin its key.",
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const client = new Client();
    let refused: string | undefined;
    let settled = false;
    client.once("ready", () => {
      settled = true;
      resolve(client);
    });
    // Stays subscribed: ssh2 may emit more errors (a reset after a refused handshake), and
    // errors after `ready` surface as channels closing, which the runner handles.
    client.on("error", (error: LeveledError) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(classifyConnectError(error, target, refused));
    });
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      privateKey: target.privateKey,
      readyTimeout: timeoutMs,
      tryKeyboard: false,
      algorithms: {
        serverHostKey: hostKeyAlgorithmsFor(pinned.type) as ServerHostKeyAlgorithm[],
      },
      hostVerifier: (key: Buffer): boolean => {
        if (matchesPinned(key, pinned)) return true;
        refused = formatHostKey(key);
        return false;
      },
    };
    try {
      client.connect(config);
    } catch (error) {
      // ssh2 throws synchronously for a private key it cannot parse.
      reject(
        new SshConnectError(
          "auth",
          `The private key for ${target.host}:${target.port} could not be used ` +
            `(${(error as Error).message}); store an unencrypted OpenSSH or PEM private key.`,
          { cause: error },
        ),
      );
    }
  });
}
