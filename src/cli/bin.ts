/** Process entry point of the `opsflow` command (bin/opsflow loads the compiled copy). */
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2));
