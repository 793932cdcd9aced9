// Property tests for the edit API: random pod-like documents (2- or 4-space indentation,
// lists under or at their key, comments, quoting, flow collections, CRLF) and random
// setKey / setScalar / insertItem / setPath edits.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import { parseSource } from '../src/load/source.js';
import { toJS, type YMap, type YNode, type YScalar, type YSeq } from '../src/load/ynode.js';
import type { Edit } from '../src/engine/finding.js';
import { applyTextEdits, type TextEdit } from '../src/fix/text-edit.js';
import { toTextEdits } from '../src/fix/yaml-edits.js';
import { parses } from '../src/fix/apply.js';

// ---- a small YAML emitter for generated documents --------------------------------------

type Style = 'plain' | 'single' | 'double' | 'literal';
type GScalar = { t: 's'; v: string | number | boolean | null; style: Style; trailing?: string };
type GEntry = { key: string; val: GNode; comment?: string };
type GMap = { t: 'm'; entries: GEntry[]; flow?: boolean; trailing?: string };
type GSeq = { t: 'q'; items: { val: GNode; comment?: string }[]; flow?: boolean; trailing?: string };
type GNode = GScalar | GMap | GSeq;

interface Fmt {
  unit: number;
  seqIndent: boolean;
}

function readsAs(src: string, v: unknown, inFlow: boolean): boolean {
  const doc = inFlow ? `[${src}]` : `k: ${src}`;
  for (const version of ['1.1', '1.2'] as const) {
    try {
      const r = parse(doc, { version }) as unknown;
      const got = inFlow ? (r as unknown[])[0] : (r as Record<string, unknown>).k;
      if (got !== v) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function scalarText(s: GScalar, inFlow: boolean): string {
  if (s.v === null) return inFlow ? 'null' : '';
  if (typeof s.v !== 'string') return String(s.v);
  const v = s.v;
  if (s.style === 'plain' && v !== '' && readsAs(v, v, inFlow) && !/[\n#]|^\s|\s$|: /.test(v)) return v;
  if ((s.style === 'single' || s.style === 'plain') && !v.includes('\n')) return `'${v.replace(/'/g, "''")}'`;
  return JSON.stringify(v);
}

function flowText(n: GNode): string {
  if (n.t === 's') return scalarText(n, true);
  if (n.t === 'q') return `[${n.items.map((i) => flowText(i.val)).join(', ')}]`;
  return `{${n.entries.map((e) => `${e.key}: ${flowText(e.val)}`).join(', ')}}`;
}

const trail = (n: GNode) => (n.trailing ? ` # ${n.trailing}` : '');
const isBlock = (n: GNode) => n.t !== 's' && !n.flow && (n.t === 'm' ? n.entries.length > 0 : n.items.length > 0);

function emitMap(m: GMap, col: number, f: Fmt, inSeqItem = false): string[] {
  const out: string[] = [];
  const pad = ' '.repeat(col);
  m.entries.forEach((e, i) => {
    if (e.comment && !(inSeqItem && i === 0)) out.push(`${pad}# ${e.comment}`);
    if (e.val.t === 's' && e.val.style === 'literal' && typeof e.val.v === 'string' && /^[^\s][^\n]*\n[^\s][^\n]*\n?$/.test(e.val.v)) {
      // `key: |` with its lines one step deeper
      const body = e.val.v.replace(/\n$/, '').split('\n');
      out.push(`${pad}${e.key}: |${e.val.v.endsWith('\n') ? '' : '-'}${trail(e.val)}`, ...body.map((l) => ' '.repeat(col + f.unit) + l));
    } else if (e.val.t === 's' && e.val.v === null) {
      out.push(`${pad}${e.key}:${trail(e.val)}`);
    } else if (!isBlock(e.val)) {
      out.push(`${pad}${e.key}: ${e.val.t === 's' ? scalarText(e.val, false) : flowText(e.val)}${trail(e.val)}`);
    } else if (e.val.t === 'm') {
      out.push(`${pad}${e.key}:${trail(e.val)}`, ...emitMap(e.val, col + f.unit, f));
    } else if (e.val.t === 'q') {
      out.push(`${pad}${e.key}:${trail(e.val)}`, ...emitSeq(e.val, f.seqIndent ? col + f.unit : col, f));
    }
  });
  return out;
}

function emitSeq(q: GSeq, col: number, f: Fmt): string[] {
  const out: string[] = [];
  const pad = ' '.repeat(col);
  for (const it of q.items) {
    if (it.comment) out.push(`${pad}# ${it.comment}`);
    const v = it.val;
    if (v.t === 'm' && isBlock(v)) {
      const lines = emitMap(v, col + 2, f, true);
      lines[0] = `${pad}- ${lines[0]!.slice(col + 2)}`;
      out.push(...lines);
    } else {
      const sv = v.t === 's' && v.v === null ? 'null' : v.t === 's' ? scalarText(v, false) : flowText(v);
      out.push(`${pad}- ${sv}${trail(v)}`);
    }
  }
  return out;
}

// ---- arbitraries -----------------------------------------------------------------------

const STRINGS = ['echo a\necho b\n', 'run\nstop', 'web', 'nginx:1.25', 'true', '80', 'a b', "it's", 'x#y', '/data/media', 'yes', 'on', '1.0', 'rclone mount', 'a: b', '- x', 'null', 'p,q', '{x}', 'line\nbreak', ''];
let commentSeq = 0;

const styleArb = fc.constantFrom<Style>('plain', 'single', 'double', 'literal');
const commentArb = fc.option(fc.constantFrom('note', 'keep this', 'TODO: check', 'see #12'), { nil: undefined, freq: 3 });
const scalarValueArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(0, 80, 8080, 1.5) },
  { weight: 1, arbitrary: fc.boolean() },
);
const scalarArb: fc.Arbitrary<GScalar> = fc.record({ t: fc.constant('s' as const), v: scalarValueArb, style: styleArb, trailing: commentArb });
const emptyArb: fc.Arbitrary<GScalar> = fc.record({ t: fc.constant('s' as const), v: fc.constant(null), style: fc.constant<Style>('plain'), trailing: commentArb });

const seqOf = (item: fc.Arbitrary<GNode>, min = 1) =>
  fc.record({
    t: fc.constant('q' as const),
    items: fc.array(fc.record({ val: item, comment: commentArb }), { minLength: min, maxLength: 3 }),
    flow: fc.boolean(),
    trailing: commentArb,
  }) as fc.Arbitrary<GSeq>;

function mapOf(fields: [string, fc.Arbitrary<GNode>, boolean][], flow: fc.Arbitrary<boolean> = fc.constant(false)): fc.Arbitrary<GMap> {
  return fc
    .tuple(
      fc.tuple(...fields.map(([, arb, required]) => (required ? arb.map((v) => v as GNode | undefined) : fc.option(arb, { nil: undefined })))),
      fc.array(commentArb, { minLength: fields.length, maxLength: fields.length }),
      flow,
      commentArb,
    )
    .map(([vals, comments, isFlow, trailing]) => {
      const entries: GEntry[] = [];
      vals.forEach((v, i) => {
        if (v !== undefined) entries.push({ key: fields[i]![0], val: v, comment: comments[i] });
      });
      // Flow maps hold no comments.
      if (isFlow) for (const e of entries) stripComments(e.val);
      return { t: 'm', entries, flow: isFlow && entries.every((e) => e.val.t === 's'), trailing } as GMap;
    });
}

function stripComments(n: GNode): void {
  n.trailing = undefined;
  if (n.t === 'm') for (const e of n.entries) { e.comment = undefined; stripComments(e.val); }
  if (n.t === 'q') for (const i of n.items) { i.comment = undefined; stripComments(i.val); }
}

const labelsArb = mapOf([['app', scalarArb, true], ['tier', scalarArb, false], ['env', scalarArb, false]], fc.boolean());
const portArb = mapOf([['containerPort', scalarArb, true], ['protocol', scalarArb, false]]);
const envArb = mapOf([['name', scalarArb, true], ['value', scalarArb, true]]);
const containerArb = mapOf([
  ['name', scalarArb, true],
  ['image', scalarArb, true],
  ['args', seqOf(scalarArb, 0), false],
  ['ports', seqOf(portArb), false],
  ['env', seqOf(envArb), false],
  ['securityContext', emptyArb, false],
  ['command', scalarArb, false],
]);
const podArb = fc
  .record({
    meta: mapOf([['name', scalarArb, true], ['labels', labelsArb, false]]),
    containers: fc.array(containerArb, { minLength: 1, maxLength: 2 }),
    nodeSelector: fc.option(mapOf([['disk', scalarArb, true]], fc.boolean()), { nil: undefined }),
    unit: fc.constantFrom(2, 4),
    seqIndent: fc.boolean(),
    crlf: fc.boolean(),
    finalNewline: fc.boolean(),
    headComment: commentArb,
  })
  .map((r) => {
    const spec: GMap = {
      t: 'm',
      entries: [
        { key: 'containers', val: { t: 'q', items: r.containers.map((c) => ({ val: c })), flow: false }, comment: r.headComment },
        ...(r.nodeSelector ? [{ key: 'nodeSelector', val: r.nodeSelector }] : []),
      ],
    };
    const root: GMap = {
      t: 'm',
      entries: [
        { key: 'apiVersion', val: { t: 's', v: 'v1', style: 'plain' } },
        { key: 'kind', val: { t: 's', v: 'Pod', style: 'plain' } },
        { key: 'metadata', val: r.meta },
        { key: 'spec', val: spec },
      ],
    };
    // Make comment texts unique, so that "every comment line survives" means something.
    const uniq = (n: GNode) => {
      if (n.trailing) n.trailing = `${n.trailing} ${++commentSeq}`;
      if (n.t === 'm') for (const e of n.entries) { if (e.comment) e.comment = `${e.comment} ${++commentSeq}`; uniq(e.val); }
      if (n.t === 'q') for (const i of n.items) { if (i.comment) i.comment = `${i.comment} ${++commentSeq}`; uniq(i.val); }
    };
    uniq(root);
    const eol = r.crlf ? '\r\n' : '\n';
    const lines = ['# pod manifest', ...emitMap(root, 0, { unit: r.unit, seqIndent: r.seqIndent })];
    return { text: lines.join(eol) + (r.finalNewline ? eol : ''), crlf: r.crlf };
  });

// ---- edits -----------------------------------------------------------------------------

type Path = (string | number)[];
interface Found { maps: [Path, YMap][]; seqs: [Path, YSeq][]; scalars: [Path, YScalar][] }

function collect(n: YNode, path: Path, out: Found): Found {
  if (n.kind === 'map') {
    out.maps.push([path, n]);
    for (const p of n.items) collect(p.value, [...path, p.key], out);
  } else if (n.kind === 'seq') {
    out.seqs.push([path, n]);
    n.items.forEach((it, i) => collect(it, [...path, i], out));
  } else out.scalars.push([path, n]);
  return out;
}

function at(root: YNode, path: Path): YNode {
  let cur: YNode = root;
  for (const p of path) {
    if (typeof p === 'number') cur = (cur as YSeq).items[p]!;
    else cur = [...(cur as YMap).items].reverse().find((x) => x.key === p)!.value;
  }
  return cur;
}

function jsAt(js: unknown, path: Path): any {
  let cur = js as any;
  for (const p of path) cur = cur[p];
  return cur;
}

const KEYS = ['securityContext', 'imagePullPolicy', 'name', 'image', 'app', 'x-y', 'stdin', 'tier', 'args', 'ports', 'disk', 'on'];
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: scalarValueArb },
  { weight: 1, arbitrary: fc.constant({ privileged: false, capabilities: { add: ['SYS_ADMIN'] } }) },
  { weight: 1, arbitrary: fc.array(scalarValueArb, { minLength: 1, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.constant([{ name: 'm', mountPath: '/mnt/media', readOnly: true }]) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constant([]) },
);

type Plan = { op: 'setKey' | 'setScalar' | 'insertItem' | 'setPath' | 'removeKey' | 'removeItem'; pick: number; key: string; value: unknown; sub: string };
const planFields = {
  pick: fc.nat(),
  key: fc.constantFrom(...KEYS),
  value: valueArb,
  sub: fc.constantFrom('privileged', 'runAsUser', 'type'),
};
const planArb: fc.Arbitrary<Plan> = fc.record({
  op: fc.constantFrom<Plan['op']>('setKey', 'setKey', 'setScalar', 'insertItem', 'setPath'),
  pick: fc.nat(),
  key: fc.constantFrom(...KEYS),
  value: valueArb,
  sub: fc.constantFrom('privileged', 'runAsUser', 'type'),
});

interface Made { edit: Edit; path: Path; expected: unknown; again?: (root: YNode) => Edit; isNew?: boolean }

/** The edit, the JS value the document should have after it, and the same edit on the result. */
function makeEdit(root: YNode, plan: Plan, onlyScalarReplace: boolean): Made | undefined {
  const found = collect(root, [], { maps: [], seqs: [], scalars: [] });
  const expected = structuredClone(toJS(root)) as any;
  switch (plan.op) {
    case 'setKey':
    case 'setPath': {
      const [path, map] = found.maps[plan.pick % found.maps.length]!;
      let key = plan.key;
      const existing = [...map.items].reverse().find((p) => p.key === key);
      // The comment-keeping property holds for new keys and scalar values; replacing a
      // whole block (and its comments) is checked separately.
      if (onlyScalarReplace && existing && existing.value.kind !== 'scalar') key = `${key}Extra`;
      const isNew = !existing || key !== plan.key;
      if (plan.op === 'setPath') {
        const p = [key, plan.sub];
        const cur = jsAt(expected, path);
        const mid = cur[key];
        if (mid !== undefined && (mid === null || typeof mid !== 'object' || Array.isArray(mid))) return undefined; // refused by design
        cur[key] = { ...(mid ?? {}), [plan.sub]: plan.value };
        return { edit: { op: 'setPath', map, path: p, value: plan.value }, path, expected, isNew, again: (r) => ({ op: 'setPath', map: at(r, path) as YMap, path: p, value: plan.value }) };
      }
      jsAt(expected, path)[key] = plan.value;
      return { edit: { op: 'setKey', map, key, value: plan.value }, path, expected, isNew, again: (r) => ({ op: 'setKey', map: at(r, path) as YMap, key, value: plan.value }) };
    }
    case 'setScalar': {
      const v = plan.value;
      if (v === null || typeof v === 'object') return undefined;
      const [path, node] = found.scalars[plan.pick % found.scalars.length]!;
      const value = v as string | number | boolean;
      const parent = jsAt(expected, path.slice(0, -1));
      parent[path[path.length - 1]!] = value;
      return { edit: { op: 'setScalar', node, value }, path, expected, again: (r) => ({ op: 'setScalar', node: at(r, path) as YScalar, value }) };
    }
    case 'removeKey': {
      const [path, map] = found.maps[plan.pick % found.maps.length]!;
      const key = map.items[plan.pick % map.items.length]?.key;
      if (key === undefined) return undefined;
      delete jsAt(expected, path)[key];
      return { edit: { op: 'removeKey', map, key }, path, expected, again: (r) => ({ op: 'removeKey', map: at(r, path) as YMap, key }) };
    }
    case 'removeItem': {
      if (found.seqs.length === 0) return undefined;
      const [path, seq] = found.seqs[plan.pick % found.seqs.length]!;
      if (seq.items.length === 0) return undefined;
      const index = plan.pick % seq.items.length;
      jsAt(expected, path).splice(index, 1);
      return { edit: { op: 'removeItem', seq, index }, path, expected };
    }
    case 'insertItem': {
      if (found.seqs.length === 0) return undefined;
      const [path, seq] = found.seqs[plan.pick % found.seqs.length]!;
      jsAt(expected, path).push(plan.value);
      return { edit: { op: 'insertItem', seq, value: plan.value }, path, expected };
    }
  }
}

function lineOf(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Original line numbers that the edits replace (pure insertions at a line start touch none). */
function touchedLines(text: string, edits: TextEdit[]): Set<number> {
  const out = new Set<number>();
  for (const e of edits) {
    const a = lineOf(text, e.start);
    const atLineStart = e.start === 0 || text[e.start - 1] === '\n';
    if (e.start === e.end && atLineStart) continue;
    const endOff = e.end > e.start && text[e.end - 1] === '\n' ? e.end - 1 : e.end;
    for (let l = a; l <= lineOf(text, endOff); l++) out.add(l);
  }
  return out;
}

function check(text: string, crlf: boolean, plan: Plan, onlyScalarReplace: boolean): void {
  const src = parseSource('p.yaml', text);
  expect(src.findings, text).toEqual([]);
  const root = src.docs[0]!.node!;
  const made = makeEdit(root, plan, onlyScalarReplace);
  if (!made) return;
  const edits = toTextEdits(made.edit, text);
  const ctx = `${JSON.stringify(text)}\n${JSON.stringify({ ...made.edit, map: undefined, node: undefined, seq: undefined, path: made.path })}`;
  expect(edits, `edit refused\n${ctx}`).toBeDefined();
  const { text: out, skipped } = applyTextEdits(text, edits!);
  expect(skipped).toEqual([]);

  // 1. It parses, and means what the edit says.
  expect(parses(out), `does not parse:\n${out}\n${ctx}`).toBe(true);
  const after = parseSource('p.yaml', out);
  expect(after.findings).toEqual([]);
  expect(toJS(after.docs[0]!.node), `${out}\n${ctx}`).toEqual(made.expected);

  // 2. Line ends follow the file.
  if (crlf) expect(out.replace(/\r\n/g, '').includes('\n'), JSON.stringify(out)).toBe(false);
  else expect(out.includes('\r')).toBe(false);

  // 3. Only the lines the edits touch differ: the others are all still there, in order
  //    (a subsequence: a line-diff would be ambiguous between equal lines), and an edit
  //    touches no more lines than it must.
  const before = text.split('\n');
  const touched = touchedLines(text, edits!);
  const outLines = out.split('\n');
  let j = 0;
  for (let i = 0; i < before.length; i++) {
    if (touched.has(i)) continue;
    while (j < outLines.length && outLines[j] !== before[i]) j++;
    expect(j < outLines.length, `line ${i} lost: ${JSON.stringify(before[i])}\n${out}\n${ctx}`).toBe(true);
    j++;
  }
  const e = made.edit;
  if (e.op === 'setScalar') {
    const first = lineOf(text, e.node.loc!.start);
    const last = lineOf(text, e.node.loc!.end);
    for (const l of touched) expect(l >= first && l <= last, `setScalar touched line ${l}\n${ctx}`).toBe(true);
  } else if (e.op === 'insertItem' || made.isNew) {
    // New lines only; at most the one line holding a flow collection or an empty `key:`.
    expect(touched.size, `insertion touched ${[...touched]}\n${ctx}`).toBeLessThanOrEqual(1);
  }

  // 4. Every comment line survives (when no block is replaced).
  if (onlyScalarReplace) {
    const outLines = out.split(/\r?\n/);
    for (const l of text.split(/\r?\n/)) if (/^\s*#/.test(l)) expect(outLines, `${l} lost\n${out}`).toContain(l);
  }

  // 5. The same edit again is a no-op.
  if (made.again) {
    const again = toTextEdits(made.again(after.docs[0]!.node!), out);
    expect(again, `not idempotent\n${out}\n${ctx}`).toEqual([]);
  }
}

describe('edit properties', { timeout: 60_000 }, () => {
  test('generated documents parse', () => {
    fc.assert(
      fc.property(podArb, ({ text }) => {
        expect(parseSource('p.yaml', text).findings, text).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  test('setKey / setScalar / insertItem / setPath keep comments and untouched lines', () => {
    fc.assert(
      fc.property(podArb, planArb, ({ text, crlf }, plan) => check(text, crlf, plan, true)),
      { numRuns: 600 },
    );
  });

  test('replacing and removing whole values (blocks included) still only touches their lines', () => {
    const anyOp = fc.record({ ...planFields, op: fc.constantFrom<Plan['op']>('setKey', 'setPath', 'removeKey', 'removeItem', 'insertItem') });
    fc.assert(
      fc.property(podArb, anyOp, ({ text, crlf }, plan) => check(text, crlf, plan, false)),
      { numRuns: 400 },
    );
  });

  test('several fixes on one document apply in any order to the same text', () => {
    fc.assert(
      fc.property(podArb, fc.array(planArb, { minLength: 2, maxLength: 4 }), ({ text }, plans) => {
        const root = parseSource('p.yaml', text).docs[0]!.node!;
        const all: TextEdit[] = [];
        for (const plan of plans) {
          const made = makeEdit(root, plan, true);
          if (!made) continue;
          const e = toTextEdits(made.edit, text);
          expect(e).toBeDefined();
          all.push(...e!);
        }
        const a = applyTextEdits(text, all);
        const b = applyTextEdits(text, [...all].reverse());
        // Same accepted set in either order only when nothing overlaps; the result always parses
        // when nothing was skipped.
        if (a.skipped.length === 0 && b.skipped.length === 0) {
          const insertsAtSamePoint = all.some((x, i) => all.some((y, j) => i !== j && x.start === y.start && x.start === x.end && y.start === y.end));
          if (!insertsAtSamePoint) expect(a.text).toBe(b.text);
        }
      }),
      { numRuns: 200 },
    );
  });
});
