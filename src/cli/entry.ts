// Process entry: wires the CLI to the real process (bundled into dist/medialint.js).
import { main, readStdin } from './main.js';

// `medialint … | head`: a closed pipe ends the run quietly, as for any Unix tool.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// No top-level await: the bundle is a CommonJS function body (scripts/code-cache-launcher.mjs).
void main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdin: readStdin,
  env: process.env,
  isTTY: !!process.stdout.isTTY,
}).then((code) => {
  process.exitCode = code;
});
