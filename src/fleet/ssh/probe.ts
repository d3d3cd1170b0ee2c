/** Reading a host's SSH key, to pin it when the host is registered. */
import { Client } from "ssh2";
import { classifyConnectError, type SshAddress } from "./connect.js";
import { SshConnectError } from "./errors.js";
import { formatHostKey } from "./host-key.js";

/**
 * The host key `address` presents, as `type base64`. Only the key exchange happens: the
 * connection is dropped before any authentication. Rejects with an SshConnectError
 * (`unreachable` or `timeout`).
 */
export function probeHostKey(address: SshAddress, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: string | undefined;
    client.on("error", (error: Error & { level?: string }) => {
      client.end();
      if (presented !== undefined) resolve(presented);
      else reject(classifyConnectError(error, address, undefined));
    });
    client.on("close", () => {
      if (presented !== undefined) resolve(presented);
      else
        reject(
          new SshConnectError(
            "unreachable",
            `${address.host}:${address.port} closed the connection before presenting a host ` +
              "key. Check that an SSH server listens there.",
          ),
        );
    });
    client.connect({
      host: address.host,
      port: address.port,
      // Required by ssh2 though never sent: the handshake stops before authentication.
      username: "opsflow-probe",
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer): boolean => {
        presented = formatHostKey(key);
        // Refusing ends the handshake here: nothing is authenticated.
        return false;
      },
    });
  });
}
