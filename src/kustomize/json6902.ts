// RFC 6902 JSON patches on YNode trees, with evanphx/json-patch v4's rules (which kustomize
// uses): `replace` on a missing object key adds it, negative array indices count from the
// end, `-` appends. Values added by a patch are the patch file's nodes (their Locs).
import type { Loc, YMap, YNode } from '../load/ynode.js';
import { isMap, isSeq, toJS } from '../load/ynode.js';
import { deepClone, field, fieldValue, rawText, removeField } from './tree.js';
import { KError } from './types.js';

export interface JsonOp {
  op: string;
  path: string;
  from?: string;
  value?: YNode;
  loc?: Loc;
}

/** Read an operation list (from YAML or JSON text already parsed to a YNode). */
export function decodeOps(n: YNode | undefined, at: Loc | undefined): JsonOp[] {
  if (!n || !isSeq(n)) throw new KError('a JSON patch must be a list of operations (op, path, value).', at);
  return n.items.map((it) => {
    if (!isMap(it)) throw new KError('each JSON patch operation must be a mapping with op and path.', it.loc ?? at);
    const vf = field(it, 'value');
    return {
      op: rawText(fieldValue(it, 'op')),
      path: rawText(fieldValue(it, 'path')),
      from: field(it, 'from') ? rawText(fieldValue(it, 'from')) : undefined,
      value: vf?.value,
      loc: it.loc,
    };
  });
}

type Container = { kind: 'map'; node: YMap } | { kind: 'seq'; node: import('../load/ynode.js').YSeq };

function unescape(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function index(key: string, len: number, forAdd: boolean, op: JsonOp): number {
  if (!/^-?\d+$/.test(key)) throw fail(op, `'${key}' is not an array index`);
  let i = Number(key);
  if (i < 0) {
    if (i < -len) throw fail(op, `index ${key} is out of range`);
    i += len;
  }
  if (forAdd ? i > len : i >= len) throw fail(op, `index ${key} is out of range (the list has ${len} items)`);
  return i;
}

function fail(op: JsonOp, why: string): KError {
  return new KError(`JSON patch operation '${op.op}' on '${op.path}' does not apply: ${why}. Fix the path or the operation.`, op.loc);
}

function getChild(c: YNode, part: string): YNode | undefined {
  if (isMap(c)) return fieldValue(c, part);
  if (isSeq(c)) {
    if (!/^-?\d+$/.test(part)) return undefined;
    let i = Number(part);
    if (i < 0) i += c.items.length;
    return c.items[i];
  }
  return undefined;
}

function findContainer(doc: YNode, path: string): { c: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let cur: YNode | undefined = doc;
  for (const part of split.slice(1, -1)) {
    cur = getChild(cur!, unescape(part));
    if (!cur) return undefined;
  }
  const key = unescape(split[split.length - 1]!);
  if (isMap(cur)) return { c: { kind: 'map', node: cur }, key };
  if (isSeq(cur)) return { c: { kind: 'seq', node: cur }, key };
  return undefined;
}

function getAt(doc: YNode, path: string, op: JsonOp): YNode {
  const f = findContainer(doc, path);
  if (!f) throw fail(op, 'the document is missing that path');
  if (f.c.kind === 'map') {
    const v = fieldValue(f.c.node, f.key);
    if (v === undefined) throw fail(op, `the document is missing key '${f.key}'`);
    return v;
  }
  return f.c.node.items[index(f.key, f.c.node.items.length, false, op)]!;
}

function add(doc: YNode, path: string, value: YNode, op: JsonOp, keyLoc?: Loc): void {
  const f = findContainer(doc, path);
  if (!f) throw fail(op, 'the document is missing that path');
  if (f.c.kind === 'map') {
    const p = field(f.c.node, f.key);
    if (p) p.value = value;
    else f.c.node.items.push({ key: f.key, keyLoc: keyLoc ?? value.loc, value });
    return;
  }
  const items = f.c.node.items;
  if (f.key === '-') items.push(value);
  else items.splice(index(f.key, items.length, true, op), 0, value);
}

function remove(doc: YNode, path: string, op: JsonOp): YNode {
  const f = findContainer(doc, path);
  if (!f) throw fail(op, 'the document is missing that path');
  if (f.c.kind === 'map') {
    const v = fieldValue(f.c.node, f.key);
    if (v === undefined) throw fail(op, `there is no key '${f.key}' to remove`);
    removeField(f.c.node, f.key);
    return v;
  }
  const i = index(f.key, f.c.node.items.length, false, op);
  return f.c.node.items.splice(i, 1)[0]!;
}

/** Apply operations in order to `doc` (mutated). */
export function applyJsonPatch(doc: YMap, ops: JsonOp[]): void {
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        if (!op.value) throw fail(op, "'add' needs a value");
        add(doc, op.path, deepClone(op.value), op);
        break;
      case 'remove':
        remove(doc, op.path, op);
        break;
      case 'replace': {
        if (!op.value) throw fail(op, "'replace' needs a value");
        const f = findContainer(doc, op.path);
        if (!f) throw fail(op, 'the document is missing that path');
        const v = deepClone(op.value);
        if (f.c.kind === 'map') {
          const p = field(f.c.node, f.key);
          if (p) p.value = v;
          else f.c.node.items.push({ key: f.key, keyLoc: v.loc, value: v });
        } else f.c.node.items[index(f.key, f.c.node.items.length, false, op)] = v;
        break;
      }
      case 'move': {
        if (op.from === undefined) throw fail(op, "'move' needs from");
        const v = remove(doc, op.from, op);
        add(doc, op.path, v, op);
        break;
      }
      case 'copy': {
        if (op.from === undefined) throw fail(op, "'copy' needs from");
        add(doc, op.path, deepClone(getAt(doc, op.from, op)), op);
        break;
      }
      case 'test': {
        const f = findContainer(doc, op.path);
        const cur = f ? (f.c.kind === 'map' ? fieldValue(f.c.node, f.key) : f.c.node.items[Number(f.key)]) : undefined;
        if (JSON.stringify(toJS(cur)) !== JSON.stringify(toJS(op.value))) throw fail(op, 'the tested value differs');
        break;
      }
      default:
        throw new KError(`unknown JSON patch operation '${op.op}'; use add, remove, replace, move, copy or test.`, op.loc);
    }
  }
}
