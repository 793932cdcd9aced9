// `medialint graph [paths] [--format text|mermaid]`: lint the paths as a user would, then
// draw the mount topology with the failing edges marked.
import type { Io } from '../cli/main.js';
import { UsageError } from '../cli/main.js';
import { lintPaths } from '../engine/lint.js';
import { loadConfig } from '../engine/load-config.js';
import { RULES } from '../../rules/index.js';
import { renderGraph } from './graph.js';

export async function graphCommand(paths: string[], opts: { format: string; io: Io; config?: string }): Promise<number> {
  if (opts.format !== 'text' && opts.format !== 'mermaid') throw new UsageError(`graph --format takes text or mermaid, got "${opts.format}"`);
  const config = loadConfig({ cwd: opts.io.cwd, explicit: opts.config, paths });
  const r = lintPaths(paths, { cwd: opts.io.cwd, config, rules: RULES });
  for (const e of r.errors) opts.io.stderr(`medialint: ${e}\n`);
  if (!r.files.length && r.errors.length) return 2;
  opts.io.stdout(renderGraph(r.model, r.findings, opts.format));
  return 0;
}
