import { distance } from 'fastest-levenshtein';
import { defineRule } from '../src/engine/rule.js';
import type { Fix } from '../src/engine/finding.js';
import { get, isMap, pairOf, type YNode } from '../src/load/ynode.js';
import { workloadKind } from '../src/model/kinds.js';
import { pathText, unknownKeys, type SchemaDef, type UnknownKey } from '../src/model/unknown-fields.js';

/** The one known key within edit distance 2 (or equal but for case), if there is exactly one. */
function closeKey(u: UnknownKey): string | undefined {
  const bad = u.pair.key;
  const close = u.known.filter((k) => k.toLowerCase() === bad.toLowerCase() || distance(k, bad) <= 2);
  return close.length === 1 ? close[0] : undefined;
}

export default defineRule({
  id: 'unknown-field',
  severity: 'error',
  fix: 'fix',
  scope: 'pod',
  summary: 'A key inside a pod template that Kubernetes does not know (a misspelling such as mountPropogation).',
  checkPod(pod, ctx) {
    const w = pod.workload;
    const templatePath = workloadKind(w.kind, w.resource.apiVersion, ctx.config)?.template ?? [];
    const template = templatePath.length ? get(w.resource.node, ...templatePath) : w.resource.node;
    const parts: [SchemaDef, string[], YNode | undefined][] = [
      ['PodSpec', [...templatePath, 'spec'], pod.specNode],
      ['ObjectMeta', [...templatePath, 'metadata'], get(template, 'metadata')],
    ];
    for (const [def, prefix, node] of parts) {
      if (!isMap(node)) continue;
      for (const u of unknownKeys(node, def)) {
        const key = u.pair.key;
        const near = closeKey(u);
        const taken = near !== undefined && !!pairOf(u.map, near);
        const fix: Fix | undefined = near !== undefined && !taken && u.pair.keyLoc
          ? { description: `rename "${key}" to "${near}"`, edits: [{ op: 'replaceText', loc: u.pair.keyLoc, text: near }] }
          : undefined;
        ctx.report({
          at: u.pair.keyLoc ?? u.map,
          message: `${w.kind} ${w.name} has the unknown field "${key}" in ${pathText(prefix, u.path)}: the API server rejects it under strict field validation (kubectl's default), ` +
            `and clients that do not validate drop it silently, so the setting never takes effect.` +
            (near ? ` Did you mean "${near}"?${taken ? ` ("${near}" is already set here: remove one of them.)` : ''}` : ''),
          fix,
        });
      }
    }
  },
});
