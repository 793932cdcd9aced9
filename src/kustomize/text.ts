// `medialint render`: the rendered stream printed as `kubectl kustomize` prints it, with
// optional `# file:line` comments where a value's origin differs from its parent's.
import type { Finding } from '../engine/finding.js';
import type { YNode } from '../load/ynode.js';
import { locLabel, printStream } from './print.js';
import type { RenderOptions } from './render.js';
import { render } from './render.js';

export interface RenderTextOptions extends RenderOptions {
  origins?: boolean;
}

function sameOrigin(a: YNode | undefined, b: YNode | undefined): boolean {
  return a?.loc?.file === b?.loc?.file && a?.loc?.line === b?.loc?.line;
}

export function renderText(rootDir: string, opts: RenderTextOptions): { text: string; findings: Finding[] } {
  const r = render(rootDir, opts);
  if (!opts.origins) return { text: printStream(r.resources), findings: r.findings };
  const text = printStream(
    r.resources,
    (n, parent) => (sameOrigin(n, parent) ? undefined : locLabel(n.loc)),
    (root) => locLabel(root.loc),
  );
  return { text, findings: r.findings };
}
