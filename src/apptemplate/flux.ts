// What Flux does to a HelmRelease's values before the chart sees them, as far as the linted
// files tell: `spec.valuesFrom` (ConfigMaps in the linted set) merged under `spec.values`, and
// the kustomize-controller's post-build `${VAR}` substitution.
//
// valuesFrom (helm-controller, fluxcd/pkg chartutil.ChartValuesFromReferences and MergeMaps;
// meta.ValuesReference.GetValuesKey): each reference is read in order from the HelmRelease's
// own namespace (metadata.namespace, not targetNamespace), the key `valuesKey` (default
// `values.yaml`) parsed as YAML and deep-merged into the result (maps merge, anything else is
// replaced); `spec.values` is merged last and wins. Read here: a ConfigMap of the linted set
// (`data`), written as a literal block (`values.yaml: |`), whose values keep their exact
// place in the ConfigMap's file, or made by a kustomize configMapGenerator from a file, whose
// values keep their place in that file; a Secret's plain `stringData` likewise. Not read
// (the release is modelled without them, silently): a reference not in the linted set, a
// Secret's `data` (base64, usually SOPS), a `targetPath` reference, a value that is not a
// map. A value written in another scalar style (quoted, folded) is merged without positions:
// its findings land on the pod, and fixes leave it alone.
//
// Post-build substitution (kustomize-controller docs, "Post build variable substitution"):
// `${VAR}` is replaced by the variable from the Flux Kustomization's `postBuild.substitute`,
// else `postBuild.substituteFrom` (ConfigMap `data` / Secret `stringData` of the linted set,
// later ones win), `${VAR:=default}` / `${VAR:-default}` (also `=`/`-`) give the default,
// `$${VAR}` is a literal `${VAR}`, and the label or annotation
// `kustomize.toolkit.fluxcd.io/substitute: disabled` turns it off. The Flux Kustomization
// is the one whose `spec.path` names the release's kustomize root (or, for a file that no
// kustomization renders, its directory or an ancestor), compared by trailing path segments
// since the repository root is not known. A variable with no value and no default (it may come from a Secret medialint does
// not see) stays `${VAR}` in the value: a path holding one is unknown, and rules that compare
// paths (consistent-mount-paths) skip it rather than compare the text.
import path from 'node:path';
import type { Loc, YMap, YNode, YPair } from '../load/ynode.js';
import { get, isMap, isScalar, str, withItems, withPairValue, withValue } from '../load/ynode.js';
import { lineStartsOf, parseSource } from '../load/source.js';
import type { Resource } from '../model/types.js';
import { stringMap } from '../model/build.js';

type FileText = ((file: string) => string | undefined) | undefined;

/** Namespaces that may be the same one: equal, or one of them not written (the kubeconfig's default). */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function lastByKey(items: YPair[]): Map<string, YPair> {
  const m = new Map<string, YPair>();
  for (const p of items) m.set(p.key, p);
  return m;
}

/**
 * Helm's (and Flux's) MergeMaps: `b` over `a`, maps merged key by key, anything else in `b`
 * replacing what `a` has. A merged map takes `b`'s Loc (the values that win: a key a fix
 * adds goes there); pairs keep their own places.
 */
export function helmMerge(a: YMap, b: YMap): YMap {
  const bs = lastByKey(b.items);
  const as = lastByKey(a.items);
  const items: YPair[] = [];
  for (const p of as.values()) {
    const q = bs.get(p.key);
    if (!q) items.push(p);
    else if (isMap(p.value) && isMap(q.value)) items.push(withPairValue(q, helmMerge(p.value, q.value)));
    else items.push(q);
  }
  for (const q of bs.values()) if (!as.has(q.key)) items.push(q);
  return { kind: 'map', items, loc: b.loc ?? a.loc, flow: b.flow };
}

// ---- the lookups, indexed ---------------------------------------------------------------------

/**
 * What the lookups below search, indexed once per model build (fluxIndex): scanning every
 * resource for each release made a linted set of a thousand releases quadratic.
 */
export interface FluxIndex {
  /** v1 ConfigMaps and Secrets in input order, by kind. */
  sources: Map<string, Resource[]>;
  /** The same by `kind name`. */
  named: Map<string, Resource[]>;
  /** Flux Kustomizations that have a `spec.path`, with its segments. */
  kustomizations: { k: Resource; p: string[] }[];
  /** substitutionVars of each Flux Kustomization, as asked. */
  vars: Map<Resource | undefined, Map<string, string>>;
  /** The values each ConfigMap or Secret entry holds (entryValues), parsed once however many releases name it. */
  entries: Map<Resource, Map<string, YMap | undefined>>;
}

export function fluxIndex(resources: Resource[]): FluxIndex {
  const ix: FluxIndex = { sources: new Map(), named: new Map(), kustomizations: [], vars: new Map(), entries: new Map() };
  const add = (m: Map<string, Resource[]>, k: string, r: Resource) => {
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  };
  for (const x of resources) {
    if ((x.kind === 'ConfigMap' || x.kind === 'Secret') && x.apiVersion === 'v1') {
      add(ix.sources, x.kind, x);
      add(ix.named, `${x.kind} ${x.name}`, x);
    } else if (x.kind === 'Kustomization' && x.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/')) {
      const p = segments(str(get(x.node, 'spec', 'path')) ?? '');
      if (p.length) ix.kustomizations.push({ k: x, p });
    }
  }
  return ix;
}

// ---- valuesFrom ---------------------------------------------------------------------------

/** The ConfigMap (or Secret) a reference names, preferring one rendered through the release's own kustomize root. */
function findSource(kind: string, name: string, ns: string | undefined, from: Resource, ix: FluxIndex): Resource | undefined {
  let found = (ix.named.get(`${kind} ${name}`) ?? []).filter((x) => sameNamespace(x.namespace, ns));
  // A configMapGenerator's output keeps kustomize's name hash unless a Flux nameReference
  // configuration (which medialint does not apply) rewrote the reference: `name-<hash>`.
  if (!found.length) found = (ix.sources.get(kind) ?? []).filter((x) => sameNamespace(x.namespace, ns) && x.name.startsWith(`${name}-`) && /^[a-z0-9]{10}$/.test(x.name.slice(name.length + 1)));
  return found.find((x) => x.root === from.root) ?? found[0];
}

/** The values a reference's entry holds, with their places: undefined when they cannot be read. */
function entryValues(res: Resource, key: string, fileText: FileText): YMap | undefined {
  const field = res.kind === 'Secret' ? 'stringData' : 'data';
  const scalar = get(res.node, field, key);
  if (!isScalar(scalar) || typeof scalar.value !== 'string') return undefined;
  const text = scalar.value;
  const loc = scalar.loc;
  const fileOf = loc ? fileText?.(loc.file) : undefined;
  if (loc && fileOf !== undefined) {
    const placed = scalar.style === 'block-literal' ? inBlock(loc, fileOf, text) : fromGeneratorFile(loc, fileOf, text, fileText);
    if (placed !== undefined) return isMap(placed ?? undefined) ? (placed as YMap) : undefined;
  }
  // Somewhere medialint cannot map back to text: the values without places.
  const parsed = parseSource(loc?.file ?? res.file, text).docs[0]?.node;
  return isMap(parsed) ? stripLocs(parsed) as YMap : undefined;
}

/**
 * A literal block scalar's content parsed where it stands: the file's text with everything
 * outside the block's lines blanked (offsets kept), which YAML reads as the content indented
 * (a block map may start at any indentation). Only when every content line is the file's
 * line minus the block's indentation; otherwise undefined.
 */
function inBlock(loc: Loc, text: string, value: string): YNode | null | undefined {
  const starts = lineStartsOf(text);
  const first = loc.line; // 0-based index of the line after the `|` header
  const lines = value.replace(/\n+$/, '').split('\n');
  if (first + lines.length > starts.length) return undefined;
  const lineAt = (i: number) => {
    const s = starts[i]!;
    const e = i + 1 < starts.length ? starts[i + 1]! - 1 : text.length;
    return text.slice(s, e).replace(/\r$/, '');
  };
  const head = lines.find((l) => l.length > 0);
  if (head === undefined) return null;
  const firstFull = lines.findIndex((l) => l.length > 0);
  const indent = lineAt(first + firstFull).length - head.length;
  if (indent < 0) return undefined;
  for (let k = 0; k < lines.length; k++) {
    const fl = lineAt(first + k);
    const ok = lines[k] === '' ? /^[ \t]*$/.test(fl) && fl.length <= indent : fl.slice(0, indent).trim() === '' && fl.slice(indent) === lines[k];
    if (!ok) return undefined;
  }
  const from = starts[first]!;
  const last = first + lines.length - 1;
  const to = last + 1 < starts.length ? starts[last + 1]! : text.length;
  const blank = (s: string) => s.replace(/[^\r\n]/g, ' ');
  const padded = blank(text.slice(0, from)) + text.slice(from, to) + blank(text.slice(to));
  const sf = parseSource(loc.file, padded);
  if (sf.findings.length || sf.docs.length !== 1) return undefined;
  return sf.docs[0]!.node ?? null;
}

/**
 * A configMapGenerator's `files:` entry (`values.yaml`, `key=path`): the rendered value's
 * Loc is the entry; when the file it names holds exactly the value, its own parse (exact
 * places, in the file a fix should edit). Undefined when the Loc is not such an entry.
 */
function fromGeneratorFile(loc: Loc, text: string, value: string, fileText: FileText): YNode | null | undefined {
  if (loc.line !== loc.endLine) return undefined;
  const entry = text.slice(loc.start, loc.end).trim().replace(/^(['"])(.*)\1$/, '$2');
  const rel = entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : entry;
  if (!rel || path.posix.isAbsolute(rel)) return undefined;
  const file = path.posix.normalize(path.posix.join(path.posix.dirname(loc.file), rel));
  const content = fileText?.(file);
  if (content === undefined || content.replace(/^\uFEFF/, '') !== value.replace(/^\uFEFF/, '')) return undefined;
  const sf = parseSource(file, content);
  if (sf.findings.length || sf.docs.length !== 1) return undefined;
  return sf.docs[0]!.node ?? null;
}

function stripLocs(n: YNode): YNode {
  if (n.kind === 'scalar') return { kind: 'scalar', value: n.value };
  if (n.kind === 'seq') return { kind: 'seq', items: n.items.map(stripLocs) };
  return { kind: 'map', items: n.items.map((p) => ({ key: p.key, value: stripLocs(p.value) })) };
}

function entryValuesOnce(res: Resource, key: string, ix: FluxIndex, fileText: FileText): YMap | undefined {
  let byKey = ix.entries.get(res);
  if (!byKey) ix.entries.set(res, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, entryValues(res, key, fileText));
  return byKey.get(key);
}

/** The values of `spec.valuesFrom` that the linted set holds, in merge order. */
export function valuesFromLayers(r: Resource, ix: FluxIndex, fileText: FileText): YMap[] {
  const refs = get(r.node, 'spec', 'valuesFrom');
  if (!refs || refs.kind !== 'seq') return [];
  const out: YMap[] = [];
  for (const ref of refs.items) {
    const kind = str(get(ref, 'kind'));
    const name = str(get(ref, 'name'));
    if ((kind !== 'ConfigMap' && kind !== 'Secret') || !name || str(get(ref, 'targetPath'))) continue;
    const res = findSource(kind, name, r.namespace, r, ix);
    const values = res && entryValuesOnce(res, str(get(ref, 'valuesKey')) || 'values.yaml', ix, fileText);
    if (values) out.push(values);
  }
  return out;
}

// ---- post-build substitution ----------------------------------------------------------------

function segments(p: string): string[] {
  return path.posix.normalize(p.replace(/\\/g, '/')).split('/').filter((s) => s && s !== '.');
}

function endsWith(a: string[], b: string[]): boolean {
  if (!b.length || b.length > a.length) return false;
  for (let i = 1; i <= b.length; i++) if (a[a.length - i] !== b[b.length - i]) return false;
  return true;
}

/**
 * The Flux Kustomization that applies `r`: its `spec.path` (from the repository root) ends
 * with the release's kustomize root, or with its file's directory or one of its ancestors
 * when no kustomization renders it; the deepest one wins, and two at the same depth give none.
 */
export function fluxKustomizationOf(r: Resource, ix: FluxIndex): Resource | undefined {
  const withPath = ix.kustomizations;
  if (!withPath.length) return undefined;
  const dir = segments(r.root ?? path.posix.dirname(r.file));
  if (dir.some((s) => s === '..')) return undefined;
  // Linted from inside the repository: the path is longer than what medialint sees.
  const inside = dir.length ? withPath.filter((x) => endsWith(x.p, dir)) : [];
  if (inside.length) return inside.length === 1 ? inside[0]!.k : undefined;
  // An ancestor only for a file no kustomization renders: Flux builds a directory without a
  // kustomization.yaml recursively, but one with it builds only what it lists.
  for (let n = dir.length; n > (r.root === undefined ? 0 : dir.length - 1); n--) {
    const at = dir.slice(0, n);
    const hits = withPath.filter((x) => endsWith(at, x.p));
    if (hits.length === 1) return hits[0]!.k;
    if (hits.length > 1) return undefined;
  }
  return undefined;
}

/** `postBuild.substitute` over `postBuild.substituteFrom` (later refs over earlier), as far as the linted set holds them; once per Kustomization. */
export function substitutionVars(ks: Resource | undefined, ix: FluxIndex): Map<string, string> {
  let vars = ix.vars.get(ks);
  if (vars) return vars;
  ix.vars.set(ks, (vars = new Map()));
  if (!ks) return vars;
  const pb = get(ks.node, 'spec', 'postBuild');
  const from = get(pb, 'substituteFrom');
  if (from?.kind === 'seq') {
    for (const ref of from.items) {
      const kind = str(get(ref, 'kind'));
      const name = str(get(ref, 'name'));
      if ((kind !== 'ConfigMap' && kind !== 'Secret') || !name) continue;
      const src = ix.named.get(`${kind} ${name}`)?.find((x) => sameNamespace(x.namespace, ks.namespace));
      if (!src) continue;
      for (const [k, v] of Object.entries(stringMap(get(src.node, kind === 'Secret' ? 'stringData' : 'data')))) vars.set(k, v);
    }
  }
  for (const [k, v] of Object.entries(stringMap(get(pb, 'substitute')))) vars.set(k, v);
  return vars;
}

const SUBST_OFF = 'kustomize.toolkit.fluxcd.io/substitute';

/** Whether Flux substitutes in `r` at all (the opt-out label or annotation). */
export function substitutionDisabled(r: Resource): boolean {
  return r.labels[SUBST_OFF] === 'disabled' || r.annotations[SUBST_OFF] === 'disabled';
}

const VAR_RE = /\$(\$?)\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[=-])([^{}]*))?\}/g;

/** envsubst as Flux runs it, leaving `${VAR}` as it is when VAR has no value and no default. */
export function envsubst(s: string, vars: Map<string, string>): string {
  if (!s.includes('${')) return s;
  return s.replace(VAR_RE, (all, escaped: string, name: string, op: string | undefined, def: string | undefined) => {
    if (escaped) return all.slice(1);
    const v = vars.get(name);
    if (op === undefined) return v ?? all;
    if (v !== undefined && (v !== '' || !op.startsWith(':'))) return v;
    return def ?? '';
  });
}

/**
 * The values with every string scalar substituted; unchanged subtrees are the same objects.
 * `vars` is asked only when a value holds `${` (finding the Flux Kustomization is not free).
 */
export function substituteValues<T extends YNode>(n: T, vars: () => Map<string, string>): T {
  if (n.kind === 'scalar') {
    if (typeof n.value !== 'string' || !n.value.includes('${')) return n;
    const v = envsubst(n.value, vars());
    return (v === n.value ? n : withValue(n, v)) as T;
  }
  if (n.kind === 'seq') {
    let changed = false;
    const items = n.items.map((x) => {
      const y = substituteValues(x, vars);
      if (y !== x) changed = true;
      return y;
    });
    return (changed ? withItems(n, items) : n) as T;
  }
  let changed = false;
  const items = (n as YMap).items.map((p) => {
    const v = substituteValues(p.value, vars);
    if (v === p.value) return p;
    changed = true;
    return withPairValue(p, v);
  });
  return (changed ? withItems(n as YMap, items) : n) as T;
}
