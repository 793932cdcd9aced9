// Process entry: wires the CLI to the real process (bundled into dist/medialint.js).
import { main, readStdin } from './main.js';

// `medialint … | head`: a closed pipe ends the run quietly, as for any Unix tool.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdin: readStdin,
  env: process.env,
  isTTY: !!process.stdout.isTTY,
});
process.exitCode = code;
