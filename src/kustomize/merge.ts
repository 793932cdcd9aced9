// Strategic merge patch as kustomize applies it: kyaml's merge2 walker with the patch as
// "origin" and the resource as "dest", lists growing at the front (ListIncreaseDirection:
// prepend). Merge keys come from the Kubernetes schema (smp-schema.ts); lists of unknown
// types are replaced. Values taken from the patch are the patch's nodes, so they keep the
// patch file's Locs.
import type { YMap, YNode, YScalar, YSeq } from '../load/ynode.js';
import { isMap, isScalar, isSeq } from '../load/ynode.js';
import type { FieldSchema } from './smp-schema.js';
import { DEFS, TYPES } from './smp-schema.js';
import { field, fieldValue, isEmptyMap, isNull, missingOrNull, nilOrEmpty, nullText, plainScalar, rawText, removeField, seq } from './tree.js';
import { KError } from './types.js';

type N = YNode | undefined;
type Schema = { obj: string } | { keys: string[]; elem?: string } | undefined;

const persistentNulls = new WeakSet<YNode>();

/** Merge `patch` into `dest` (both are consumed). Returns the result, or undefined when deleted. */
export function strategicMerge(patch: YMap, dest: YMap): YMap | undefined {
  const out = walk([dest, patch], undefined, []);
  if (out === undefined) return undefined;
  if (!isMap(out)) throw new KError('strategic merge patch produced a non-mapping resource');
  return out;
}

function kindOf(n: N): 'map' | 'seq' | 'scalar' | undefined {
  return n?.kind;
}

function schemaFor(sources: N[], s: Schema): Schema {
  if (s) return s;
  for (const r of sources) {
    if (missingOrNull(r) || !isMap(r)) continue;
    const av = rawText(fieldValue(r, 'apiVersion'));
    const k = rawText(fieldValue(r, 'kind'));
    if (!av || !k) continue;
    const t = TYPES[`${av} ${k}`];
    if (t) return { obj: t };
  }
  return undefined;
}

function fieldSchema(s: Schema, key: string): Schema {
  if (!s || !('obj' in s)) return undefined;
  // Object.hasOwn: the key comes from the input, and `constructor` or `__proto__` must not find Object.prototype's (they crashed the run).
  const def = Object.hasOwn(DEFS, s.obj) ? DEFS[s.obj] : undefined;
  const f: FieldSchema | undefined = def && Object.hasOwn(def, key) ? def[key] : undefined;
  if (f === undefined) return undefined;
  if (typeof f === 'string') return { obj: f };
  return { keys: f[0], elem: f[1] };
}

function elementSchema(s: Schema): Schema {
  if (s && 'keys' in s && s.elem) return { obj: s.elem };
  return undefined;
}

function walk(sources: [N, N], schema: Schema, path: string[]): N {
  let kind: 'map' | 'seq' | 'scalar' | undefined;
  for (const s of sources) if (!missingOrNull(s)) {
    kind = kindOf(s);
    break;
  }
  const sch = schemaFor(sources, schema);
  if (kind) {
    for (const s of sources) {
      if (!missingOrNull(s) && s.kind !== kind) {
        throw new KError(`strategic merge patch: '${path.join('.') || '(root)'}' is a ${describe(s)} in one and a ${kind === 'map' ? 'mapping' : kind === 'seq' ? 'list' : 'scalar'} in the other; the patch must use the same shape as the resource.`, s.loc);
      }
    }
  }
  switch (kind) {
    case 'seq':
      if (sch && 'keys' in sch) return walkAssociative(sources, sch, path);
      return visitList(sources, false);
    case 'scalar':
      return sources[1] !== undefined ? sources[1] : sources[0];
    default:
      return walkMap(sources, sch, path);
  }
}

function describe(n: YNode): string {
  return n.kind === 'map' ? 'mapping' : n.kind === 'seq' ? 'list' : 'scalar';
}

type Directive = 'merge' | 'replace' | 'delete';

function directive(patch: N, strict: boolean): Directive {
  if (patch === undefined) return 'merge';
  if (isSeq(patch)) {
    const el = patch.items.find((e) => isMap(e) && field(e, '$patch'));
    if (!el || !isMap(el) || el.items.length > 1) return 'merge';
    const v = rawText(fieldValue(el, '$patch'));
    if (v === 'delete' || v === 'replace' || v === 'merge') {
      elementSetter(patch, { keys: ['$patch'], values: [v] });
      return v;
    }
    if (strict) throw new KError(`unknown strategic merge patch directive '$patch: ${v}'; use merge, replace or delete.`, el.loc);
    return 'merge';
  }
  if (isMap(patch)) {
    const p = field(patch, '$patch');
    if (!p) return 'merge';
    const v = rawText(p.value);
    if (v === 'delete' || v === 'replace' || v === 'merge') {
      removeField(patch, '$patch');
      return v;
    }
    if (strict) throw new KError(`unknown strategic merge patch directive '$patch: ${v}'; use merge, replace or delete.`, p.value.loc);
    return 'merge';
  }
  if (strict) throw new KError(`no strategic merge patch strategy for a scalar`, patch.loc);
  return 'merge';
}

function visitMap(sources: [N, N]): N {
  const [dest, origin] = sources;
  if (missingOrNull(dest)) {
    const ps = origin === undefined || isMap(origin) || isSeq(origin) ? directive(origin, false) : 'merge';
    if (ps === 'delete') return undefined;
    if (origin === undefined && dest !== undefined && nullText(dest) !== '') {
      const n: YScalar = { kind: 'scalar', value: null, loc: dest.loc };
      persistentNulls.add(n);
      return n;
    }
    return origin;
  }
  if (isNull(origin)) return undefined;
  const ps = directive(origin, true);
  if (ps === 'delete') return undefined;
  if (ps === 'replace') return origin;
  return dest;
}

function visitList(sources: [N, N], associative: boolean): N {
  const [dest, origin] = sources;
  if (!associative) return origin !== undefined ? origin : dest;
  if (missingOrNull(dest)) return origin;
  if (isNull(origin)) return undefined;
  const ps = directive(origin, true);
  if (ps === 'delete') return undefined;
  if (ps === 'replace') return origin;
  return dest;
}

function fieldNames(sources: N[]): string[] {
  let n = 0;
  for (const s of sources) if (isMap(s)) n += s.items.length;
  if (n > 32) {
    const set = new Set<string>();
    for (const s of sources) if (isMap(s)) for (const p of s.items) set.add(p.key);
    return [...set].sort();
  }
  // Every map of every patched resource passes here: small ones without a Set, sorted in
  // place by insertion (Array.prototype.sort allocates a work array on every call).
  const keys: string[] = [];
  for (const s of sources) if (isMap(s)) for (const p of s.items) if (!keys.includes(p.key)) keys.push(p.key);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
}

function walkMap(sources: [N, N], schema: Schema, path: string[]): N {
  const dest = visitMap(sources);
  sources[0] = dest;
  if (dest === undefined) return undefined;
  if (!isMap(dest)) return dest;
  for (const key of fieldNames(sources)) {
    const destField = field(sources[0], key);
    const originField = field(sources[1], key);
    // One path stack for the whole walk (it is only read into an error message).
    path.push(key);
    const val = walk([destField?.value, originField?.value], fieldSchema(schema, key), path);
    path.pop();
    fieldSetter(dest, key, val, originField?.keyLoc ?? destField?.keyLoc);
  }
  return dest;
}

function fieldSetter(m: YMap, key: string, val: N, keyLoc: import('../load/ynode.js').Loc | undefined): void {
  if (val === undefined || (isNull(val) && !persistentNulls.has(val))) {
    removeField(m, key);
    return;
  }
  const p = field(m, key);
  if (p) p.value = val;
  else m.items.push({ key, keyLoc, value: val });
}

// ---- associative lists -------------------------------------------------------------------

function walkAssociative(sources: [N, N], schema: { keys: string[]; elem?: string }, path: string[]): N {
  const dest = visitList(sources, true);
  sources[0] = dest;
  if (dest === undefined) return undefined;
  if (!isSeq(dest)) return dest;
  const keys = schema.keys;
  const values = elementValues(sources, keys);
  if (values.length !== 0 || keys.length > 0) return setElements(sources, values, keys, dest, schema, path);
  return setElements(sources, primitiveValues(sources), [''], dest, schema, path);
}

function scalarKeyText(n: YNode): string {
  return isNull(n) ? nullText(n as YScalar) : rawText(n);
}

function elementValues(sources: [N, N], keys: string[]): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const src of [sources[1], sources[0]]) {
    if (!isSeq(src)) continue;
    for (const el of src.items) {
      const vals = keys.map((k) => {
        const f = fieldValue(el, k);
        return nilOrEmpty(f) ? '' : rawText(f);
      });
      if (vals.length === 0) continue;
      const k = JSON.stringify(vals);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(vals);
    }
  }
  return out;
}

function primitiveValues(sources: [N, N]): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const src of [sources[1], sources[0]]) {
    if (!isSeq(src)) continue;
    for (const it of src.items) {
      const v = isScalar(it) ? scalarKeyText(it) : '';
      if (seen.has(v)) continue;
      seen.add(v);
      out.push([v]);
    }
  }
  return out;
}

function validateKeys(valuesList: string[][], values: string[], keys: string[]): [string[], string[]] {
  const valid = new Set<string>();
  for (const vs of valuesList) vs.forEach((v, i) => {
    if (v !== '') valid.add(keys[i]!);
  });
  if (valid.size === 0) return [keys, values];
  const vk = keys.filter((k) => valid.has(k));
  const vv: string[] = [];
  values.forEach((v, i) => {
    if (v !== '' || valid.has(keys[i]!)) vv.push(v);
  });
  return [vk, vv];
}

function mergeValues(valuesList: string[][]): string[][] {
  for (let i = 0; i < valuesList.length; i++) {
    for (let j = 0; j < valuesList.length; j++) {
      const r = match(valuesList[i]!, valuesList[j]!);
      if (r) {
        valuesList[i] = r;
        valuesList[j] = r;
      }
    }
  }
  return valuesList;
}

function match(a: string[], b: string[]): string[] | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      common = true;
      res.push(a[i]!);
      continue;
    }
    if (a[i] !== '' && b[i] !== '') return undefined;
    res.push(a[i] !== '' ? a[i]! : b[i]!);
  }
  return common ? res : undefined;
}

/** kyaml ElementMatcher: first element whose key fields match (an empty value only needs the field). */
function elementList(list: N, keys: string[], values: string[]): N {
  if (!isSeq(list)) return undefined;
  if (keys.length === 0 || keys[0] === '') {
    const v = values[0] ?? '';
    return list.items.find((it) => isScalar(it) && scalarKeyText(it) === v);
  }
  for (const el of list.items) {
    if (!isMap(el)) continue;
    let ok = true;
    for (let i = 0; i < keys.length; i++) {
      const f = field(el, keys[i]!);
      if (!f || (values[i] !== '' && scalarKeyText(f.value) !== values[i])) {
        ok = false;
        break;
      }
    }
    if (ok) return el;
  }
  return undefined;
}

interface SetterArgs {
  element?: YNode;
  keys: string[];
  values: string[];
}

function fieldMatches(el: YNode, key: string, value: string): boolean {
  if (key === '') return isScalar(el) && (isNull(el) ? '' : rawText(el)) === value;
  if (!isMap(el)) return false;
  const f = field(el, key);
  if (!f) return false;
  return value === '' || scalarKeyText(f.value) === value;
}

/** kyaml ElementSetter: replace (or with no element, remove) matching elements, else append. */
function elementSetter(list: YSeq, a: SetterArgs): void {
  const keys = a.keys.length ? a.keys : [''];
  const mappingSetter = keys[0] !== '' && a.values.length > 0 && a.values[0] !== '';
  const out: YNode[] = [];
  let found = false;
  for (const el of list.items) {
    if (missingOrNull(el) || isEmptyMap(el)) continue;
    if (!isMap(el) && mappingSetter) {
      out.push(el);
      continue;
    }
    let matched = true;
    let last = false;
    for (let j = 0; j < keys.length; j++) {
      if (j < a.values.length) last = fieldMatches(el, keys[j]!, a.values[j]!);
      if (!last) {
        matched = false;
        break;
      }
    }
    if (!matched) {
      if (a.values.length > 0) out.push(el);
      continue;
    }
    found = true;
    if (a.element === undefined) continue;
    out.push(a.element);
  }
  list.items = out;
  if (missingOrNull(a.element)) return;
  if (!found) list.items.push(a.element!);
}

function setElements(sources: [N, N], valuesList: string[][], keys: string[], dest: YSeq, schema: { keys: string[]; elem?: string }, path: string[]): N {
  const added = seq(dest.loc);
  const elemSchema = elementSchema(schema);
  if (keys.length > 1) valuesList = mergeValues(valuesList);
  let validKeys: string[] = keys;
  let validValues: string[] = [];
  for (const values of valuesList) {
    if (values.length === 0) continue;
    [validKeys, validValues] = validateKeys(valuesList, values, keys);
    const [k2, v2] = validateKeys([values], values, validKeys);
    const val = walk([elementList(sources[0], k2, v2), elementList(sources[1], k2, v2)], elemSchema, path);
    let exit = false;
    for (let i = 0; i < validKeys.length; i++) {
      if (missingOrNull(val) || isEmptyMap(val)) {
        elementSetter(dest, { keys: validKeys, values: validValues });
        exit = true;
      } else if (isMap(val) && !field(val, validKeys[i]!) && validValues[i] !== '' && validKeys[i] !== '') {
        val.items.push({ key: validKeys[i]!, keyLoc: val.loc, value: plainScalar(validValues[i]!, val.loc) });
      }
    }
    if (exit) continue;
    elementSetter(added, { element: val, keys: validKeys, values: validValues });
  }
  let result: YSeq = dest;
  if (valuesList.length > 0) result = appendListNode(added, dest, validKeys);
  if (missingOrNull(result)) return undefined;
  return result;
}

function appendListNode(dst: YSeq, src: YSeq, keys: string[]): YSeq {
  for (const el of src.items) {
    if (keys[0] === '' || keys.length === 0) {
      elementSetter(dst, { element: el, keys: [''], values: [isScalar(el) ? scalarKeyText(el) : ''] });
      continue;
    }
    const v: string[] = [];
    for (const key of keys) {
      const f = isMap(el) ? field(el, key) : undefined;
      if (!f) {
        dst.items.push(el);
        continue;
      }
      v.push(rawText(f.value));
    }
    if (keys.length > 1) elementSetter(dst, { keys, values: v });
    elementSetter(dst, { element: el, keys, values: v });
  }
  return dst;
}
