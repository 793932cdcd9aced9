// `medialint render <dir> [--origins]`: print a kustomization as medialint renders it (what
// `kubectl kustomize` prints). Findings go to stderr; exit 1 when the build failed.
import * as nodePath from 'node:path';
import { renderText } from './text.js';

interface RenderIo {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export function renderCommand(dir: string, o: { origins?: boolean; loadRestrictor?: string; io: RenderIo }): number {
  const loadRestrictor = o.loadRestrictor && /none/i.test(o.loadRestrictor) ? 'none' : 'rootOnly';
  const displayPath = (abs: string) => nodePath.relative(o.io.cwd, abs).split(nodePath.sep).join('/') || '.';
  const { text, findings } = renderText(dir, { loadRestrictor, displayPath, origins: !!o.origins });
  o.io.stdout(text);
  for (const f of findings) o.io.stderr(`${f.loc.file}:${f.loc.line}:${f.loc.col}: ${f.severity}: ${f.message} (${f.ruleId})\n`);
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
