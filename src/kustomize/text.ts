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

/**
 * A value's origin "differs from its parent's" when it comes from another file, or from
 * another place of the same file than the block its parent was written as (a replacement,
 * a component, a value kustomize generated).
 */
function sameOrigin(n: YNode, parent: YNode | undefined): boolean {
  const a = n.loc;
  const b = parent?.loc;
  if (!a) return true;
  if (!b || a.file !== b.file) return false;
  return a.line >= b.line && a.line <= b.endLine;
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
