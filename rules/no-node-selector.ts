import { defineRule } from '../src/engine/rule.js';
import type { Edit, Fix } from '../src/engine/finding.js';
import type { Pod } from '../src/model/types.js';
import { get, isSeq, items, pairOf, toJS, type YMap, type YNode } from '../src/load/ynode.js';
import { chartPod, writtenIn } from '../src/apptemplate/edits.js';

const HOSTNAME = 'kubernetes.io/hostname';
/** Labels that state what a node is (its OS, its CPU), not where we would like to run: a hard requirement by nature. */
const REQUIREMENT_LABELS = new Set(['kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch']);
const PREFERRED_PATH = ['affinity', 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution'];

/** Add one preferred term (weight 100) to the pod's node affinity, merged into what is there. */
function addPreferred(pod: Pod, expressions: { key: string; operator: string; values: string[] }[]): Edit {
  const term = { weight: 100, preference: { matchExpressions: expressions } };
  const preferred = get(pod.selection.affinityNode, ...PREFERRED_PATH.slice(1));
  return isSeq(preferred)
    ? { op: 'insertItem', seq: preferred, value: term }
    : { op: 'setPath', map: pod.specNode, path: PREFERRED_PATH, value: [term] };
}

/** The pairs written inside the map's own text, in its file (not merged in, not a chart stand-in). */
function ownPairs(map: YMap) {
  return map.items.filter((p) => writtenIn(map, p));
}

/** app-template: the pod option is written in this pod's own options map, or nowhere (not inherited from defaultPodOptions). */
function ownOrAbsent(pod: Pod, key: string): boolean {
  const p = pairOf(pod.specNode, key);
  return !p || ownPairs(pod.specNode).includes(p);
}

/** nodeSelector keys -> one preferred term with the same keys and values (all of them, as nodeSelector ANDs them). */
function selectorToPreferred(pod: Pod, keys: string[]): Fix | undefined {
  const sel = pod.selection;
  if (!sel.nodeSelectorNode || !keys.length) return undefined;
  const all = keys.length === Object.keys(sel.nodeSelector).length;
  const description = `replace nodeSelector ${keys.join(', ')} with preferred node affinity (weight 100)`;
  const own = ownPairs(pod.specNode);
  const selector = pairOf(pod.specNode, 'nodeSelector');
  // app-template: the pod options are the controller's `pod` or `defaultPodOptions`; a
  // nodeSelector taken from defaultPodOptions under a controller's own `pod` map is shared by
  // every controller, and no edit of this pod's options removes it.
  if (chartPod(pod) && (!selector || !own.includes(selector) || !ownOrAbsent(pod, 'affinity'))) return undefined;
  if (all && selector?.keyLoc && own.length === 1 && own[0] === selector && pairOf(pod.specNode, 'affinity') === undefined) {
    // The only key of its map (a kustomize patch that pins the node, app-template's
    // defaultPodOptions): removing it would leave the map empty before the affinity goes in,
    // so the pair itself becomes the affinity, key and value.
    const term = { weight: 100, preference: { matchExpressions: keys.map((key) => ({ key, operator: 'In', values: [sel.nodeSelector[key]!] })) } };
    return {
      description,
      edits: [
        { op: 'replaceText', loc: selector.keyLoc, text: 'affinity' },
        { op: 'setKey', map: pod.specNode, key: 'nodeSelector', value: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [term] } } },
      ],
    };
  }
  const edits: Edit[] = all
    ? [{ op: 'removeKey', map: pod.specNode, key: 'nodeSelector' }]
    : keys.map((key): Edit => ({ op: 'removeKey', map: sel.nodeSelectorNode!, key }));
  edits.push(addPreferred(pod, keys.map((key) => ({ key, operator: 'In', values: [sel.nodeSelector[key]!] }))));
  return { description, edits };
}

/** The only required term is a single hostname expression: move it to preferred. */
function requiredToPreferred(pod: Pod): Fix | undefined {
  const sel = pod.selection;
  const terms = sel.requiredTerms;
  const nodeAffinity = get(sel.affinityNode, 'nodeAffinity');
  const only = terms.length === 1 && terms[0]!.length === 1 ? terms[0]![0]! : undefined;
  if (!only || !nodeAffinity || nodeAffinity.kind !== 'map') return undefined;
  if (chartPod(pod) && !ownOrAbsent(pod, 'affinity')) return undefined;
  // matchFields in the term would be lost: leave such terms alone.
  if (items(get(sel.requiredNode, 'nodeSelectorTerms')).some((t) => get(t, 'matchFields') !== undefined)) return undefined;
  // One edit on the whole nodeAffinity value: removing its only key would leave `{}` behind.
  const js = toJS(nodeAffinity) as Record<string, unknown>;
  delete js.requiredDuringSchedulingIgnoredDuringExecution;
  const preferred = Array.isArray(js.preferredDuringSchedulingIgnoredDuringExecution) ? js.preferredDuringSchedulingIgnoredDuringExecution : [];
  js.preferredDuringSchedulingIgnoredDuringExecution = [...preferred, { weight: 100, preference: { matchExpressions: [{ key: only.key, operator: only.operator, values: only.values }] } }];
  return {
    description: `replace required node affinity on ${HOSTNAME} with preferred node affinity (weight 100)`,
    edits: [{ op: 'setKey', map: sel.affinityNode!, key: 'nodeAffinity', value: js }],
  };
}

export default defineRule({
  id: 'no-node-selector',
  severity: 'warning',
  fix: 'fix',
  scope: 'pod',
  summary: 'Do not pin pods to one node: prefer node affinity over nodeSelector and required hostname affinity.',
  checkPod(pod, ctx) {
    const w = pod.workload;
    // A DaemonSet's node selection says which nodes run a copy, not where one pod would like to
    // run: a preferred term would put a copy on every node.
    if (w.kind === 'DaemonSet') return;
    const sel = pod.selection;
    const keys = Object.keys(sel.nodeSelector);
    if (sel.nodeSelectorNode && keys.length) {
      const host = sel.nodeSelector[HOSTNAME];
      const soft = keys.filter((k) => k !== HOSTNAME && !REQUIREMENT_LABELS.has(k));
      if (host !== undefined) {
        ctx.report({
          at: (get(sel.nodeSelectorNode, HOSTNAME) as YNode | undefined) ?? sel.nodeSelectorNode,
          message: `${w.kind} ${w.name} is pinned to node "${host}" by nodeSelector ${HOSTNAME}: it stays Pending whenever that node drains or fails, and pinning never makes one pod's mounts visible to another pod. ` +
            `Use preferred node affinity (preferredDuringSchedulingIgnoredDuringExecution) instead.`,
          fix: selectorToPreferred(pod, [HOSTNAME]),
        });
      } else if (soft.length) {
        // Turning a requirement into a preference changes where the pod may land: offered for review, not applied by --fix.
        const suggestion = selectorToPreferred(pod, soft);
        ctx.report({
          at: sel.nodeSelectorNode,
          severity: 'info',
          message: `${w.kind} ${w.name} uses nodeSelector (${soft.join(', ')}): the pod cannot schedule anywhere else when no such node is ready. ` +
            `Prefer node affinity: preferredDuringSchedulingIgnoredDuringExecution where another node will do, requiredDuringSchedulingIgnoredDuringExecution where it will not.`,
          suggestions: suggestion ? [suggestion] : undefined,
        });
      }
    }
    for (const term of sel.requiredTerms) {
      const e = term.find((x) => x.key === HOSTNAME && x.operator === 'In');
      if (!e) continue;
      ctx.report({
        at: e.node,
        message: `${w.kind} ${w.name} requires node affinity on ${HOSTNAME} (${e.values.join(', ')}): the pod stays Pending when ${e.values.length > 1 ? 'those nodes drain or fail' : 'that node drains or fails'}. ` +
          `Use preferredDuringSchedulingIgnoredDuringExecution instead.`,
        fix: requiredToPreferred(pod),
      });
    }
  },
});
