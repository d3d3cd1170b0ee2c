/**
 * A real OpenSSH server for tests: /usr/sbin/sshd in a temporary directory on a free
 * loopback port, with its own ed25519 host key and an authorized_keys holding a fresh client
 * key pair. Tests run as root here and in CI, so it logs in as the current user with
 * `PermitRootLogin prohibit-password`.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where Debian's openssh-server puts the daemon. */
export const SSHD_PATH = "/usr/sbin/sshd";

/** A running test sshd. */
export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** The client's private key (OpenSSH format), authorized on this server. */
  privateKey: string;
  /** The server's host key, `type base64`. */
  hostKey: string;
  /** Kills the server and removes its directory. */
  stop(): Promise<void>;
}

/** Undefined when sshd can run here, otherwise why not (for `test(..., { skip })`). */
export function sshdAvailable(): string | undefined {
  if (!existsSync(SSHD_PATH)) {
    return `${SSHD_PATH} is absent: install openssh-server (apt-get install -y openssh-server)`;
  }
  return undefined;
}

/** A loopback TCP port nothing listens on (right now). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Makes an ed25519 key pair at `path` (and `path.pub`); returns [private, public `type base64`]. */
export async function makeKeyPair(path: string): Promise<[string, string]> {
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "opsflow-test", "-f", path]);
  const publicKey = (await readFile(`${path}.pub`, "utf8")).trim().split(/\s+/);
  return [await readFile(path, "utf8"), `${publicKey[0]} ${publicKey[1]}`];
}

/** Starts sshd; resolves once it listens. */
export async function startSshd(options: { port?: number } = {}): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), "opsflow-sshd-"));
  try {
    const [, hostKey] = await makeKeyPair(join(dir, "host_ed25519"));
    const [privateKey, clientPublic] = await makeKeyPair(join(dir, "client_ed25519"));
    await writeFile(join(dir, "authorized_keys"), `${clientPublic}\n`, { mode: 0o600 });
    // sshd's privilege separation needs this directory; systemd normally creates it.
    await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
    const port = options.port ?? (await freePort());
    const config = [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_ed25519")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      "PermitRootLogin prohibit-password",
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "LogLevel VERBOSE",
    ];
    await writeFile(join(dir, "sshd_config"), `${config.join("\n")}\n`);
    const child = spawn(SSHD_PATH, ["-D", "-e", "-f", join(dir, "sshd_config")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    await new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes("Server listening on")) resolve();
      });
      child.once("exit", (code) =>
        reject(new Error(`sshd exited (${code}) before listening:\n${log}`)),
      );
      child.once("error", reject);
    });
    child.stderr.resume();
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    return {
      host: "127.0.0.1",
      port,
      user: userInfo().username,
      privateKey,
      hostKey,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
