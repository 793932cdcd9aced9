// `replacements` (kustomize api/filters/replacement): copy a field of one resource into
// fields of others. A replaced scalar keeps the target's type and takes the source value's
// Loc (its origin is the source resource).
import type { Loc, YMap, YNode } from '../load/ynode.js';
import { isMap, isScalar, isSeq } from '../load/ynode.js';
import type { Kustomization } from './kustfile.js';
import { selectorArg } from './kustfile.js';
import type { Loader } from './load.js';
import { parseDocs, textOf } from './load.js';
import { matchesSelector, metaMap } from './selector.js';
import type { ResMap } from './resmap.js';
import { deepClone, field, fieldValue, nilOrEmpty, plainScalar, rawText, scalar } from './tree.js';
import type { Res, ResId } from './types.js';
import { curId, idSelectedBy, KError, prevIdsOf } from './types.js';

interface Options {
  delimiter: string;
  index: number;
  create: boolean;
}

interface Replacement {
  source: { id: Partial<ResId>; fieldPath: string; options: Options; loc?: Loc };
  targets: { select: ReturnType<typeof selectorArg>; reject: NonNullable<ReturnType<typeof selectorArg>>[]; fieldPaths: string[]; options: Options; loc?: Loc }[];
  loc?: Loc;
}

function options(n: YNode | undefined): Options {
  const o: Options = { delimiter: '', index: 0, create: false };
  if (!isMap(n)) return o;
  o.delimiter = rawText(fieldValue(n, 'delimiter'));
  const i = fieldValue(n, 'index');
  if (isScalar(i) && typeof i.value === 'number') o.index = i.value;
  const c = fieldValue(n, 'create');
  o.create = isScalar(c) && (c.value === true || c.value === 'true');
  return o;
}

function parseReplacement(n: YNode): Replacement {
  if (!isMap(n)) throw new KError('a replacement must be a mapping with source and targets.', n.loc);
  const src = fieldValue(n, 'source');
  const targets = fieldValue(n, 'targets');
  if (!isMap(src) || !isSeq(targets)) throw new KError('replacements must specify a source and at least one target.', n.loc);
  const sel = selectorArg(src, 'replacements.source')!;
  return {
    loc: n.loc,
    source: {
      id: { group: sel.group, version: sel.version, kind: sel.kind, name: sel.name, namespace: sel.namespace },
      fieldPath: rawText(fieldValue(src, 'fieldPath')) || 'metadata.name',
      options: options(fieldValue(src, 'options')),
      loc: src.loc,
    },
    targets: targets.items.map((t) => {
      if (!isMap(t)) throw new KError('a replacement target must be a mapping.', t.loc);
      const select = selectorArg(fieldValue(t, 'select'), 'replacements.targets.select');
      if (!select) throw new KError('target must specify resources to select.', t.loc);
      const rej = fieldValue(t, 'reject');
      const fps = fieldValue(t, 'fieldPaths');
      return {
        select,
        reject: isSeq(rej) ? rej.items.map((x) => selectorArg(x, 'replacements.targets.reject')!).filter(Boolean) : [],
        fieldPaths: isSeq(fps) && fps.items.length ? fps.items.map(rawText) : ['metadata.name'],
        options: options(fieldValue(t, 'options')),
        loc: t.loc,
      };
    }),
  };
}

/** Replacements of one kustomization, inline or from `path:` files. */
export function loadReplacements(ldr: Loader, k: Kustomization): Replacement[] {
  const out: Replacement[] = [];
  for (const r of k.replacements) {
    if (r.path) {
      if (field(r.node, 'source') || field(r.node, 'targets')) throw new KError('cannot specify both path and inline replacement.', r.loc);
      const { abs, bytes } = ldr.load(r.path.value, r.path.loc, 'replacements file');
      const docs = parseDocs(ldr.ctx, abs, textOf(ldr.ctx, abs, bytes, r.path.loc), r.path.loc);
      const d = docs[0];
      if (isSeq(d)) out.push(...d.items.map(parseReplacement));
      else if (isMap(d)) out.push(parseReplacement(d));
      else throw new KError(`replacements file ${r.path.value} holds neither a replacement nor a list of them.`, r.path.loc);
    } else out.push(parseReplacement(r.node));
  }
  return out;
}

function idsOf(r: Res): ResId[] {
  return [{ ...curId(r), clusterScoped: false }, ...prevIdsOf(r)];
}

function splitSmart(path: string): string[] {
  const split = path.split('.');
  const res: string[] = [split[0]!];
  for (let i = 1; i < split.length; i++) {
    const last = res.length - 1;
    if (res[last]!.endsWith('\\')) res[last] = res[last]!.slice(0, -1) + '.' + split[i];
    else res.push(split[i]!);
  }
  const out: string[] = [];
  for (let i = 0; i < res.length; i++) {
    const e = res[i]!;
    if (e.startsWith('[') && !e.endsWith(']')) {
      const parts = [e];
      while (i < res.length - 1) {
        i++;
        parts.push(res[i]!);
        if (res[i]!.endsWith(']')) break;
      }
      const joined = parts.join('.');
      out.push(joined.includes('=') ? joined : joined.replace(/^\[+|\]+$/g, ''));
    } else out.push(e);
  }
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

function lookup(n: YNode | undefined, path: string[]): YNode | undefined {
  let cur = n;
  for (const part of path) {
    if (!cur) return undefined;
    if (/^\d+$/.test(part)) cur = isSeq(cur) ? cur.items[Number(part)] : undefined;
    else if (part.startsWith('[') && part.endsWith(']')) {
      const eq = part.indexOf('=');
      if (eq < 0) throw new KError(`list path element '${part}' must contain fieldName=fieldValue.`);
      const name = part.slice(1, eq);
      const value = part.slice(eq + 1, -1);
      cur = isSeq(cur) ? cur.items.find((el) => (name ? isMap(el) && rawText(fieldValue(el, name)) === value && !!field(el, name) : isScalar(el) && rawText(el) === value)) : undefined;
    } else cur = isMap(cur) ? fieldValue(cur, part) : undefined;
    if (cur && isScalar(cur) && cur.value === null) return undefined;
  }
  return cur;
}

/** kyaml PathMatcher: every node the path reaches (`*`, `[k=regex]`, indices), creating when asked. */
function matchPath(n: YNode, path: string[], create: YNode['kind'] | undefined, out: { node: YNode; replace(v: YNode): void }[], replace: (v: YNode) => void): void {
  if (path.length === 0) {
    out.push({ node: n, replace });
    return;
  }
  const part = path[0]!;
  const rest = path.slice(1);
  const kindFor = (next: string | undefined): YNode['kind'] => (next === undefined ? create! : next.startsWith('[') || /^\d+$/.test(next) ? 'seq' : 'map');
  const make = (k: YNode['kind']): YNode => (k === 'seq' ? { kind: 'seq', items: [] } : k === 'map' ? { kind: 'map', items: [] } : scalar(null));
  if (/^\d+$/.test(part)) {
    if (!isSeq(n)) return;
    const idx = Number(part);
    if (n.items.length === idx && create) n.items.push(make(kindFor(rest[0])));
    if (n.items.length < idx + 1) throw new KError(`index ${idx} specified but only ${n.items.length} elements found`);
    matchPath(n.items[idx]!, rest, create, out, (v) => (n.items[idx] = v));
    return;
  }
  if (part.startsWith('[') && part.endsWith(']')) {
    if (!isSeq(n)) return;
    const eq = part.indexOf('=');
    if (eq < 0) throw new KError(`list path element '${part}' must contain fieldName=fieldValue.`);
    const name = part.slice(1, eq);
    const re = new RegExp(part.slice(eq + 1, -1));
    const before = out.length;
    n.items.forEach((el, i) => {
      if (name === '') {
        if (isScalar(el) && re.test(rawText(el).trim())) out.push({ node: el, replace: (v) => (n.items[i] = v) });
        return;
      }
      const f = fieldValue(el, name);
      if (!f || !re.test(rawText(f).trim())) return;
      matchPath(el, rest, create, out, (v) => (n.items[i] = v));
    });
    if (out.length === before && create) {
      const v = part.slice(eq + 1, -1);
      n.items.push(name ? { kind: 'map', items: [{ key: name, value: plainScalar(v) }] } : plainScalar(v));
      matchPath(n, path, undefined, out, replace);
    }
    return;
  }
  if (part === '*') {
    if (isSeq(n)) n.items.forEach((el, i) => matchPath(el, rest, create, out, (v) => (n.items[i] = v)));
    return;
  }
  if (!isMap(n)) return;
  let p = field(n, part);
  if (!p) {
    if (!create) return;
    n.items.push({ key: part, value: make(kindFor(rest[0])) });
    p = n.items[n.items.length - 1]!;
  }
  const pair = p;
  matchPath(pair.value, rest, create, out, (v) => (pair.value = v));
}

function refine(o: Options, v: YNode, at: Loc | undefined): YNode {
  if (!o.delimiter) return v;
  if (!isScalar(v)) throw new KError('delimiter option can only be used with scalar nodes.', at);
  const parts = rawText(v).split(o.delimiter);
  if (o.index >= parts.length || o.index < 0) throw new KError(`options.index ${o.index} is out of bounds for value ${rawText(v)}.`, at);
  return scalar(parts[o.index]!, v.loc);
}

function setValue(o: Options, target: YNode, value: YNode, replace: (v: YNode) => void): void {
  let v: YNode = deepClone(value);
  if (o.delimiter) {
    if (!isScalar(target)) throw new KError('delimiter option can only be used with scalar nodes.');
    const tv = rawText(target).split(o.delimiter);
    const s = rawText(v);
    if (o.index < 0) tv.unshift(s);
    else if (o.index >= tv.length) tv.push(s);
    else tv[o.index] = s;
    v = scalar(tv.join(o.delimiter), v.loc);
  }
  if (isScalar(target)) {
    const text = rawText(v);
    let out: YNode;
    if (typeof target.value === 'string') out = scalar(text, v.loc);
    else out = plainScalar(text, v.loc);
    replace(out);
  } else replace(v);
}

/** Apply replacements in order over the whole resource list. */
export function applyReplacements(rm: ResMap, reps: Replacement[]): void {
  for (const r of reps) {
    const matches = rm.list.filter((res) => idsOf(res).some((id) => idSelectedBy(id, r.source.id)));
    if (matches.length > 1) throw new KError(`replacement source matches several resources (${matches.map((m) => `${curId(m).kind}/${curId(m).name}`).join(', ')}); make the source selector more specific.`, r.source.loc);
    if (matches.length === 0) throw new KError(`replacement source selects nothing (${[r.source.id.kind, r.source.id.name].filter(Boolean).join('/')}); fix the selector.`, r.source.loc);
    const found = lookup(matches[0]!.node, splitSmart(r.source.fieldPath));
    if (nilOrEmpty(found)) throw new KError(`fieldPath \`${r.source.fieldPath}\` is missing for the replacement source.`, r.source.loc);
    const value = refine(r.source.options, found!, r.source.loc);
    for (const t of r.targets) {
      const sel = t.select!;
      for (const res of rm.list) {
        const ids = idsOf(res);
        if (!matchesSelector(sel.annotationSelector, metaMap(res.node, 'annotations')) || !matchesSelector(sel.labelSelector, metaMap(res.node, 'labels'))) continue;
        if (t.reject.some((rj) => (rj.annotationSelector || rj.labelSelector) && matchesSelector(rj.annotationSelector, metaMap(res.node, 'annotations')) && matchesSelector(rj.labelSelector, metaMap(res.node, 'labels')))) continue;
        const selId = { group: sel.group, version: sel.version, kind: sel.kind, name: sel.name, namespace: sel.namespace };
        if (!ids.some((id) => idSelectedBy(id, selId))) continue;
        const rejected = t.reject.some((rj) => {
          const rid = { group: rj.group, version: rj.version, kind: rj.kind, name: rj.name, namespace: rj.namespace };
          if (!rid.group && !rid.version && !rid.kind && !rid.name && !rid.namespace) return false;
          return ids.some((id) => idSelectedBy(id, rid));
        });
        if (rejected) continue;
        copyToTarget(res.node, value, t);
      }
    }
  }
}

function copyToTarget(node: YMap, value: YNode, t: Replacement['targets'][number]): void {
  for (const fp of t.fieldPaths) {
    const out: { node: YNode; replace(v: YNode): void }[] = [];
    matchPath(node, splitSmart(fp), t.options.create ? value.kind : undefined, out, () => undefined);
    if (!out.length) throw new KError(`unable to ${t.options.create ? 'find or create' : 'find'} field "${fp}" in replacement target; fix the fieldPath${t.options.create ? '' : ' or set options.create'}.`, t.loc);
    for (const o of out) setValue(t.options, o.node, value, o.replace);
  }
}
