// Running the CLI in process (src/cli/main.ts) with its output captured: faster than a child
// process, for suites that check what main() prints and returns rather than how the bundle starts
// (for that, see ./cli.ts).
import type { Io } from '../../src/cli/main.js';

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** main(args) with no TTY, an empty environment unless given, and stdin `stdin` (default ''). */
export async function runMain(args: string[], o: { cwd: string; stdin?: string; env?: Record<string, string> }): Promise<MainRun> {
  // Imported on first use, as the suites did, so that importing this module loads nothing.
  const { main } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const io: Io = {
    cwd: o.cwd,
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    stdin: () => o.stdin ?? '',
    env: o.env ?? {},
    isTTY: false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
