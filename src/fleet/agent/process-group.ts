/**
 * Process groups: each plugin runs in its own (spawned detached), so a cancel or a timeout
 * kills the script and everything it started, grandchildren included.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

/** Kills every process of the group led by `pid`; a group already gone is fine. */
export function killProcessGroup(pid: number): void {
  if (process.platform === "win32") {
    // Windows has no process groups to signal: taskkill walks the tree instead.
    spawnSync("taskkill", ["/pid", String(pid), "/T", "/F"], { stdio: "ignore" });
    return;
  }
  try {
    process.kill(-pid, "SIGKILL");
  } catch (error) {
    if ((error as { code?: string }).code !== "ESRCH") throw error;
  }
}

/** True while any process of the group led by `pid` runs (zombies waiting for a reaper do not). */
export function processGroupAlive(pid: number): boolean {
  try {
    process.kill(process.platform === "win32" ? pid : -pid, 0);
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
  return process.platform === "win32" || !isZombie(pid);
}

/** True when `pid` exists but has exited (Linux /proc; elsewhere assumed not). */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name, which is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}

/** True while the single process `pid` runs (not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
  return !isZombie(pid);
}

/**
 * Names this boot of the host, so a process group recorded before a reboot is never taken for
 * one running now (ids are reused after a reboot). Linux's boot id, else the boot time.
 */
export function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    // Boot time to the minute: uptime and the clock are read a moment apart.
    return `boot-${Math.round((Date.now() / 1000 - os.uptime()) / 60)}`;
  }
}
