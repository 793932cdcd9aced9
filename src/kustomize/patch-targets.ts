// kustomize-patch-target (SPEC §2.3): a patch target that selects nothing (kustomize applies
// nothing and says nothing), or a name regex alternative `a|b|c` that matches no resource of
// the targeted kind while being a prefix of some (names are anchored: `decypharr` does not
// select `decypharr-streaming`). Found by rendering and watching each target as it applies.
import type { Finding } from '../engine/finding.js';
import type { Loc } from '../load/ynode.js';
import type { SelectorArg } from './kustfile.js';
import { patchTargetHooks } from './patches.js';
import type { RenderOptions, RenderResult } from './render.js';
import { render } from './render.js';
import type { ResMap } from './resmap.js';
import { compileSelector } from './selector.js';
import { curId } from './types.js';

function describe(t: SelectorArg): string {
  const parts: string[] = [];
  if (t.kind) parts.push(`kind ${t.kind}`);
  if (t.name) parts.push(`name ${t.name}`);
  if (t.namespace) parts.push(`namespace ${t.namespace}`);
  if (t.group) parts.push(`group ${t.group}`);
  if (t.version) parts.push(`version ${t.version}`);
  if (t.labelSelector) parts.push(`labelSelector ${t.labelSelector}`);
  if (t.annotationSelector) parts.push(`annotationSelector ${t.annotationSelector}`);
  return parts.join(', ') || 'an empty selector';
}

/** Split a regex at top-level `|` (outside groups and classes). */
export function alternatives(re: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cls = false;
  let cur = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '\\') {
      cur += c + (re[i + 1] ?? '');
      i++;
      continue;
    }
    if (cls) {
      if (c === ']') cls = false;
    } else if (c === '[') cls = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

function kindNames(rm: ResMap, t: SelectorArg): string[] {
  const kindOnly = compileSelector({ kind: t.kind, group: t.group, version: t.version, namespace: t.namespace });
  return rm.select(kindOnly).map((r) => curId(r).name);
}

function isLiteral(s: string): boolean {
  return /^[A-Za-z0-9_.:/-]*$/.test(s.replace(/\\\./g, '.'));
}

export function checkPatchTargets(rootDir: string, opts: RenderOptions): Finding[] {
  return renderChecked(rootDir, opts).targetFindings;
}

/** Render once, watching every patch target as it applies: the rendered result and the kustomize-patch-target findings. */
export function renderChecked(rootDir: string, opts: RenderOptions): { result: RenderResult; targetFindings: Finding[] } {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const report = (loc: Loc | undefined, message: string) => {
    if (!loc) return;
    const k = `${loc.file}:${loc.line}:${message}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ ruleId: 'kustomize-patch-target', severity: 'warning', message, loc });
  };
  const prev = patchTargetHooks.onTarget;
  patchTargetHooks.onTarget = (t, rm, selected) => {
    const loc = t.nameLoc ?? t.loc;
    const what = t.kind ?? 'resource';
    // Worked out only when a target is suspect: a search of every resource per patch.
    let known: string[] | undefined;
    const names = () => (known ??= kindNames(rm, t));
    if (selected.length === 0) {
      const meant = t.name ? names().filter((n) => alternatives(t.name!).some((a) => isLiteral(a) && (n.startsWith(a) || a.startsWith(n)))) : [];
      report(
        loc,
        `This patch target (${describe(t)}) selects no resource, so kustomize applies nothing and reports nothing` +
          (meant.length ? `; it probably meant ${meant.join(', ')} (target names are anchored regular expressions).` : '; check the kind, name and namespace against the rendered resources.'),
      );
      return;
    }
    if (!t.name) return;
    const alts = alternatives(t.name);
    if (alts.length < 2) {
      if (isLiteral(t.name)) return;
    }
    for (const a of alts) {
      if (!isLiteral(a) || !a) continue;
      const one = compileSelector({ ...t, name: a });
      if (rm.select(one).length) continue;
      const longer = names().filter((n) => n.startsWith(a) && n !== a);
      if (!longer.length) continue;
      report(
        loc,
        `The alternative '${a}' of this patch target's name regex matches no ${what}: target names are anchored, so '${a}' does not select ${longer.join(', ')}. It probably meant ${longer.map((n) => `'${n}'`).join(' or ')}; write the full name (or '${a}.*').`,
      );
    }
  };
  try {
    return { result: render(rootDir, opts), targetFindings: out };
  } finally {
    patchTargetHooks.onTarget = prev;
  }
}
