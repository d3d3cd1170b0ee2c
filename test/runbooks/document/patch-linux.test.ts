/**
 * AWS-RunPatchBaseline's Linux script run for real with `sh`, against a stand-in package
 * manager first on PATH: a tiny sh script that records its calls and reports two missing
 * updates until an upgrade ran. PATH holds only the stand-in and `awk`, so the host's own
 * package manager is never found.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, describe, test } from "node:test";
import {
  BUILTIN_DOCUMENTS,
  bindParameters,
  compileCommand,
  parseDocument,
} from "../../../src/runbooks/document/index.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-patch-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** A directory holding only `awk`, the one tool the script needs besides sh's builtins. */
const tools = join(root, "tools");
mkdirSync(tools);
const awk = (process.env.PATH ?? "")
  .split(delimiter)
  .map((dir) => join(dir, "awk"))
  .find((path) => existsSync(path));
assert.ok(awk, "awk is needed on PATH");
symlinkSync(awk, join(tools, "awk"));

/** The stand-ins, by the name they are installed under. */
const STANDINS: Record<string, string> = {
  "apt-get": `#!/bin/sh
echo "apt-get $*" >> "$STANDIN_CALLS"
case " $* " in
  *" -s "*)
    echo "Reading package lists..."
    if [ ! -e "$STANDIN_STATE/installed" ]; then
      echo "Inst openssl [3.0.11-1] (3.0.13-1 Debian:12/stable [amd64])"
      echo "Inst curl [7.88.1-10] (7.88.1-10+deb12u5 Debian:12/stable [amd64])"
      echo "Conf openssl (3.0.13-1 Debian:12/stable [amd64])"
    fi ;;
  *" -y "*) : > "$STANDIN_STATE/installed" ;;
esac
exit 0
`,
  dnf: `#!/bin/sh
echo "dnf $*" >> "$STANDIN_CALLS"
case " $* " in
  *" check-update "*)
    [ -e "$STANDIN_STATE/broken" ] && exit 1
    [ -e "$STANDIN_STATE/installed" ] && exit 0
    echo ""
    echo "kernel.x86_64        5.14.0-362.el9     baseos"
    echo "openssl.x86_64       1:3.0.7-25.el9     baseos"
    echo "Obsoleting Packages"
    echo "grub2-tools.x86_64   1:2.06-70.el9      baseos"
    exit 100 ;;
  *" upgrade "*) : > "$STANDIN_STATE/installed" ;;
esac
exit 0
`,
};

/** A fresh node: its own stand-in, call log and state. */
function node(manager: keyof typeof STANDINS | undefined) {
  const dir = mkdtempSync(join(root, "node-"));
  const bin = join(dir, "bin");
  const state = join(dir, "state");
  mkdirSync(bin);
  mkdirSync(state);
  const calls = join(dir, "calls.log");
  writeFileSync(calls, "");
  if (manager) {
    writeFileSync(join(bin, manager), STANDINS[manager]);
    chmodSync(join(bin, manager), 0o755);
  }
  return {
    state,
    calls: () => readFileSync(calls, "utf8").split("\n").filter(Boolean),
    /** Runs AWS-RunPatchBaseline's Linux plugin with `sh`, as the agent would. */
    run(parameters: Record<string, string[]>) {
      const builtin = BUILTIN_DOCUMENTS["AWS-RunPatchBaseline"];
      const doc = parseDocument(builtin.content, builtin.format);
      assert.ok(doc.documentType === "Command");
      const [plugin] = compileCommand(doc, bindParameters(doc, parameters), "Linux").plugins;
      const script = join(dir, "patch.sh");
      writeFileSync(script, plugin.runCommand.join("\n"));
      const result = spawnSync("/bin/sh", [script], {
        env: { PATH: [bin, tools].join(delimiter), STANDIN_CALLS: calls, STANDIN_STATE: state },
        encoding: "utf8",
        timeout: 10_000,
      });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

describe("AWS-RunPatchBaseline on Linux", () => {
  test("Scan prints the missing count and changes nothing (apt-get)", () => {
    const apt = node("apt-get");
    const scan = apt.run({ Operation: ["Scan"] });
    assert.equal(scan.code, 0, scan.stderr);
    assert.match(scan.stdout, /Package manager: apt-get/);
    assert.match(scan.stdout, /^Missing: 2$/m);
    assert.match(scan.stdout, /^ {2}openssl$/m);
    assert.match(scan.stdout, /^ {2}curl$/m);
    assert.deepEqual(apt.calls(), ["apt-get -s -q upgrade"]);
    assert.equal(existsSync(join(apt.state, "installed")), false);
  });

  test("Install with RebootIfNeeded exits 194, then 0 on the rerun (apt-get)", () => {
    const apt = node("apt-get");
    const first = apt.run({ Operation: ["Install"] });
    assert.equal(first.code, 194, first.stdout + first.stderr);
    assert.match(first.stdout, /^Missing: 2$/m);
    assert.match(first.stdout, /^Installed: 2$/m);
    const installCall = apt.calls().find((call) => call.includes(" -y "));
    assert.ok(installCall, `no install call in ${apt.calls().join("; ")}`);
    assert.match(installCall, /--force-confold upgrade$/);

    const rerun = apt.run({ Operation: ["Install"] });
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.match(rerun.stdout, /^Missing: 0$/m);
    assert.match(rerun.stdout, /^Installed: 0$/m);
    assert.equal(apt.calls().filter((call) => call.includes(" -y ")).length, 1);
  });

  test("Install with NoReboot installs and exits 0 (dnf)", () => {
    const dnf = node("dnf");
    const install = dnf.run({ Operation: ["Install"], RebootOption: ["NoReboot"] });
    assert.equal(install.code, 0, install.stdout + install.stderr);
    // Obsoleting entries are not counted as missing updates.
    assert.match(install.stdout, /^Missing: 2$/m);
    assert.match(install.stdout, /^ {2}kernel\.x86_64$/m);
    assert.match(install.stdout, /^Installed: 2$/m);
    assert.deepEqual(dnf.calls(), ["dnf -q check-update", "dnf -y -q upgrade"]);
  });

  test("Scan with dnf is read-only too", () => {
    const dnf = node("dnf");
    const scan = dnf.run({ Operation: ["Scan"] });
    assert.equal(scan.code, 0, scan.stderr);
    assert.match(scan.stdout, /^Missing: 2$/m);
    assert.deepEqual(dnf.calls(), ["dnf -q check-update"]);
  });

  test("a failing package manager fails the command", () => {
    const dnf = node("dnf");
    writeFileSync(join(dnf.state, "broken"), "");
    const scan = dnf.run({ Operation: ["Scan"] });
    assert.equal(scan.code, 1);
    assert.match(scan.stderr, /dnf check-update failed \(exit 1\)/);
  });

  test("no package manager on PATH fails with a reason", () => {
    const bare = node(undefined);
    const scan = bare.run({ Operation: ["Scan"] });
    assert.equal(scan.code, 1);
    assert.match(scan.stderr, /No supported package manager on PATH/);
  });
});
