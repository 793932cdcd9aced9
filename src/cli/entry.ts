// Process entry: wires the CLI to the real process (bundled into dist/medialint.js).
import { main, readStdin } from './main.js';

const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdin: readStdin,
  env: process.env,
  isTTY: !!process.stdout.isTTY,
});
process.exitCode = code;
