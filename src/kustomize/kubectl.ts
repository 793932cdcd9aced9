// --kustomize kubectl: delegate rendering to an installed `kubectl kustomize` (or `kustomize
// build`) for full fidelity. The only place medialint ever starts a process, and only when
// the user asks for it. Positions then point into the rendered stream, not the sources.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Finding } from '../engine/finding.js';
import { parseSource } from '../load/source.js';
import { isMap, type YMap } from '../load/ynode.js';
import type { RenderOptions, RenderResult } from './render.js';
import { KUSTOMIZATION_NAMES } from '../load/discover.js';

function run(cmd: string, args: string[]): { ok: boolean; out: string; err: string; missing: boolean } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { ok: r.status === 0, out: r.stdout ?? '', err: (r.stderr ?? '').trim(), missing };
}

export function renderWithKubectl(rootDir: string, opts: RenderOptions): RenderResult {
  const show = opts.displayPath ?? ((p: string) => path.relative(process.cwd(), p) || '.');
  const kfile = KUSTOMIZATION_NAMES.map((n) => path.join(rootDir, n)).find((p) => opts.readFile ? !!opts.readFile(p) : true) ?? path.join(rootDir, 'kustomization.yaml');
  const restrictor = opts.loadRestrictor === 'none' ? ['--load-restrictor', 'LoadRestrictionsNone'] : [];
  let r = run('kubectl', ['kustomize', rootDir, ...restrictor]);
  if (r.missing) r = run('kustomize', ['build', rootDir, ...restrictor]);
  const at = parseSource(show(kfile), 'x').docs[0]?.loc ?? { file: show(kfile), start: 0, end: 0, line: 1, col: 1, endLine: 1, endCol: 1 };
  const loc = { ...at, start: 0, end: 1, line: 1, col: 1, endLine: 1, endCol: 2 };
  if (r.missing) {
    const f: Finding = { ruleId: 'kustomize-error', severity: 'error', loc, message: '--kustomize kubectl: neither kubectl nor kustomize is installed on PATH; install one, or drop --kustomize kubectl to render in-process.' };
    return { resources: [], findings: [f], files: new Set() };
  }
  if (!r.ok) {
    const f: Finding = { ruleId: 'kustomize-error', severity: 'error', loc, message: `kubectl kustomize failed: ${r.err.split('\n').pop()}` };
    return { resources: [], findings: [f], files: new Set() };
  }
  // The rendered stream is the source now: findings point at its lines.
  const sf = parseSource(`${show(rootDir) || '.'} (kubectl kustomize output)`, r.out);
  const resources = sf.docs.map((d) => d.node).filter((n): n is YMap => isMap(n));
  return { resources, findings: sf.findings, files: new Set() };
}
