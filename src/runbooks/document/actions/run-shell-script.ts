/** aws:runShellScript: a shell script, on Linux and macOS. */
import { scriptAction } from "./script.js";

export const runShellScript = scriptAction("aws:runShellScript", ["Linux", "MacOS"]);
