// src/load/fast-yaml.ts must give exactly what the `yaml` Document API path gives (every
// value, style, flow flag and Loc), or nothing: parseSource(..., { fast: false }) is the
// reference. Compared on every YAML file of the fixtures, the examples, the real corpus and
// the benchmark corpus, on hand-written cases for the CST's comment rules, and on generated
// documents (fast-check), clean and mutated.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, parseSource, type SourceFile } from '../src/load/source.js';
import { fastParse, resolvePlain } from '../src/load/fast-yaml.js';
import { withItems, withPairValue, withValue, type YMap, type YNode, type YScalar, type YSeq } from '../src/load/ynode.js';
import { ROOT, SHARED } from './helpers.js';
// @ts-expect-error plain JS benchmark helper
import { app } from '../scripts/bench/generate.mjs';

/** A SourceFile as plain data (reads every lazy `loc`; NaN and ±Infinity as strings). */
function plain(sf: SourceFile): unknown {
  return JSON.parse(JSON.stringify(sf, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
}

/** Compares both paths on `text`; true when the fast path took it. */
function same(text: string, file = 'f.yaml'): boolean {
  const slow = parseSource(file, text, { fast: false });
  const fast = parseSource(file, text);
  expect(plain(fast), `${file}:\n${text}`).toEqual(plain(slow));
  return fastParse(text, file, slow.lineStarts) !== undefined;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

describe('fast YAML path', () => {
  it('equals the yaml path on every fixture, example and corpus file, and takes most of them', () => {
    const files = [...yamlFiles(path.join(ROOT, 'fixtures')), ...yamlFiles(path.join(ROOT, 'examples')), ...yamlFiles(path.join(SHARED, 'corpus'))];
    let fast = 0;
    for (const f of files) {
      const d = decode(f, readFileSync(f));
      if (!('text' in d)) continue;
      if (same(d.text, path.relative(ROOT, f))) fast++;
    }
    expect(fast / files.length).toBeGreaterThan(0.9);
  });

  it('takes and equals the benchmark apps (good and broken)', () => {
    for (let i = 0; i < 20; i++) expect(same(app(i, i % 5 === 0))).toBe(true);
  });

  // Where a comment line goes decides where a collection ends (the CST parser's rules).
  const CASES: Record<string, string> = {
    'trailing comments at two depths': 'x:\n  a: 1\n\n  # c\ny:\n  - a\n\n  # c\n  - b   \n\n# tail\n',
    'comment at the item column': 'spec:\n  containers:\n    - name: a\n      image: b\n      # resources: {}\n  volumes: []\n',
    'deeper comments join the value': 'spec:\n  containers:\n    - name: a\n      image: b\n        # deeper\n\n        # deeper2\n      # same\n  volumes: []\n',
    'comments stepping out': 'top:\n  inner:\n    deep: 1\n    # c at 4\n  # c at 2\n# c at 0\nnext: 1\n',
    'comments stepping in': 'top:\n  inner:\n    deep: 1\n  # c at 2\n    # c at 4\nnext: 1\n',
    'comment after the last item': 'a:\n  b:\n    - x\n    # c4\n',
    'comment after a block scalar': 'a:\n  b: |\n    text\n   # c3\n  c: 1\n',
    'comment after a flow value': 'a:\n  b: [x, y]\n     # c5\n  c: {k: v}\n# end\n',
    'block scalars': 'a: |\n  x\n\n  y\n\n\nb: >-\n  folded\n  more\n\n  para\nc: |-\n   keep\n    indented\n',
    'documents': 'a: 1\n---\n---\nb: [1, "two", {e: f}, -3, 0x1F, 0o17, 1e3, .inf, ~, Null, TRUE, 1.50]\n--- \n',
    'sequences': 'l:\n- \n-\n- x\nm:\n- - a\n  - b\n- k: v\n  j:\n  - z\n',
    'scalars': 'k: v # c\nk2: "v" # c\nk3: v#x\nk4: a:b\nk5: http://x:80/y\nk6: \'it\'\'s\'\nk7: "a\\tb\\u00e9\\"\\\\"\n',
    'numbers': 'k: 012\nk2: -0\nk3: +5\nk4: 1_000\nk5: 0b11\nk6: 1.\nk7: .5\nk8: -.INF\nk9: .NaN\nk10: 12345678901234567890\nk11: 1e+3\n',
  };
  for (const [name, text] of Object.entries(CASES)) {
    it(`takes and equals: ${name}`, () => {
      expect(same(text)).toBe(true);
    });
  }

  it('leaves to yaml what it does not cover', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', '<<: {a: 1}\n', 'a: 1\na: 2\n', '? a\n: b\n', 'a: "x\n  y"\n', 'a: b\n  c\n', 'a:\tb\n', 'a: 1\r\nb: 2\r\n', '%YAML 1.2\n---\na: 1\n', 'a: |+\n  x\n\n', '[a, b]\n', 'a: [x,\n  y]\n', 'a: 1\n...\n', 'a: b: c\n',
      // an empty item whose `-` follows a comment line: the comment is that item's
      '- a\n# c\n-\n']) {
      expect(same(text)).toBe(false);
    }
  });

  it('resolves plain scalars as the YAML 1.2 core schema does', () => {
    for (const s of ['null', 'Null', 'NULL', '~', 'true', 'True', 'FALSE', 'yes', '0o17', '0x1F', '-12', '+3', '1.5', '1e3', '.inf', '-.Inf', '.nan', '1_0', 'abc', '0777']) {
      const slow = parseSource('f.yaml', `k: ${s}\n`, { fast: false }).docs[0]!.node;
      expect(plain({ v: resolvePlain(s) } as never), s).toEqual(plain({ v: (slow as { items: { value: { value: unknown } }[] }).items[0]!.value.value } as never));
    }
  });

  // Generated documents: block maps and sequences, compact forms, every scalar kind, block
  // scalars, flow collections, comment and blank lines at any column, `---`.
  const key = fc.constantFrom('a', 'b', 'name', 'k k', '"qk"', "'sk'", '1', 'true', 'image', 'mountPath', 'x.y/z');
  const scalar = fc.constantFrom('a', 'b c', 'x#y', 'v # c', '"q"', "'s'", '"e\\"x"', "'it''s'", '1', '-2', '0x1F', '0o7', '1.5', '1e3', '.inf', '~', 'null',
    'True', 'FALSE', 'yes', 'http://h:80/p', '[a, b]', '{k: v, j: 1}', '[]', '{}', '[1, [2, 3], {a: b}]', '-x', ':x', 'a  ', '"a\\tb"');
  const comment = fc.constantFrom('', '', '', ' # c', '  #c');
  const trivia = fc.array(fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 8 }).map((n) => `${' '.repeat(n)}# t`)), { maxLength: 2 });
  type Gen = (indent: number, depth: number) => fc.Arbitrary<string[]>;
  const block: Gen = (indent, depth) => {
    const pad = ' '.repeat(indent);
    const leaf = fc.tuple(key, scalar, comment, trivia).map(([k, v, c, t]) => [`${pad}${k}: ${v}${c}`, ...t]);
    const blockScalar = fc.tuple(key, fc.constantFrom('|', '>', '|-', '>-'), fc.integer({ min: 1, max: 3 }), fc.array(fc.constantFrom('text', 'more words', '', '# hash', '  deeper'), { minLength: 1, maxLength: 3 }))
      .map(([k, h, step, lines]) => [`${pad}${k}: ${h}`, ...lines.map((l) => (l === '' ? '' : `${' '.repeat(indent + step)}${l}`)), `${' '.repeat(indent + step)}end`]);
    if (depth > 2) return fc.array(leaf, { minLength: 1, maxLength: 3 }).map((x) => x.flat());
    const nested = fc.tuple(key, comment, trivia, fc.integer({ min: 1, max: 4 })).chain(([k, c, t, step]) => block(indent + step, depth + 1).map((b) => [`${pad}${k}:${c}`, ...t, ...b]));
    const list = fc.tuple(key, fc.boolean(), fc.array(fc.oneof(scalar.map((v) => [`- ${v}`]), block(indent + 2, depth + 1).map((b) => [`- ${b[0]!.trimStart()}`, ...b.slice(1)])), { minLength: 1, maxLength: 3 }))
      .map(([k, compact, items]) => {
        const col = compact ? indent : indent + 2;
        return [`${pad}${k}:`, ...items.flatMap((it) => [`${' '.repeat(col)}${it[0]}`, ...it.slice(1).map((l) => (l === '' ? l : ' '.repeat(col - indent) + l))])];
      });
    return fc.array(fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: blockScalar }, { weight: 2, arbitrary: nested }, { weight: 2, arbitrary: list }), { minLength: 1, maxLength: 4 }).map((x) => x.flat());
  };
  const doc = fc.array(fc.tuple(fc.constantFrom('', '---', '--- ', '--- # c'), block(0, 0)), { minLength: 1, maxLength: 3 })
    .map((docs) => docs.map(([sep, lines], i) => [...(i > 0 || sep ? [sep || '---'] : []), ...lines].join('\n')).join('\n') + '\n');

  it('equals the yaml path on generated documents, and takes many', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(fc.property(doc, (text) => {
      runs++;
      if (same(text)) taken++;
    }), { numRuns: 1500, seed: 7 });
    expect(taken / runs).toBeGreaterThan(0.15);
  });

  it('equals the yaml path (or leaves it) on mutated documents', () => {
    const mutation = fc.tuple(fc.nat(), fc.constantFrom(' ', ':', '-', '#', '"', "'", '\n', '', '  ', '[', '{', '|', '&x ', '\t'), fc.boolean());
    fc.assert(fc.property(doc, fc.array(mutation, { minLength: 1, maxLength: 3 }), (text, ms) => {
      let t = text;
      for (const [at, s, replace] of ms) {
        const p = at % (t.length + 1);
        t = t.slice(0, p) + s + t.slice(p + (replace ? 1 : 0));
      }
      same(t);
    }), { numRuns: 1500, seed: 11 });
  });

  it('places nodes past 1 MiB and longer than 2 KiB exactly (the wide spans)', () => {
    const long = 'x'.repeat(3000);
    const pad = `# ${'p'.repeat(100)}\n`.repeat(11000); // 1.1 MB of comment lines first
    const text = `${pad}a:\n  long: ${long}\n  b: [1, "two"]\n  c:\n    - d\n---\nshort: ${long}\n`;
    expect(text.length).toBeGreaterThan(1 << 20);
    expect(same(text)).toBe(true);
    const sf = parseSource('f.yaml', text);
    const a = sf.docs[0]!.node as YMap;
    const longPair = (a.items[0]!.value as YMap).items[0]!;
    expect(longPair.keyLoc).toMatchObject({ start: text.indexOf('long:'), line: 11002, col: 3 });
    expect(longPair.value.loc).toMatchObject({ start: text.indexOf(long), end: text.indexOf(long) + 3000, endCol: 3009 });
    const short = (sf.docs[1]!.node as YMap).items[0]!.value;
    expect(short.loc).toMatchObject({ start: text.lastIndexOf(long), end: text.lastIndexOf(long) + 3000 });
  });

  it('copies keep kind, style, flow and Loc; assigning kind or flow gives the node its own', () => {
    const sf = parseSource('f.yaml', 'a: "q"\nb: [1]\n');
    const m = sf.docs[0]!.node as YMap;
    const q = m.items[0]!.value as YScalar;
    expect(withValue(q, 'r')).toEqual({ kind: 'scalar', value: 'r', style: 'double', loc: q.loc });
    const seq = m.items[1]!.value as YSeq;
    expect(withItems(seq, [])).toEqual({ kind: 'seq', flow: true, items: [], loc: seq.loc });
    expect(withPairValue(m.items[0]!, seq)).toEqual({ key: 'a', keyLoc: m.items[0]!.keyLoc, value: seq });
    expect(withItems(m, []).flow).toBe(false);
    seq.flow = false;
    expect(seq.flow).toBe(false);
    expect((m as YNode).kind).toBe('map');
    (q as { kind: string }).kind = 'changed';
    expect(q.kind).toBe('changed');
    expect((m.items[1]!.value as YNode).kind).toBe('seq');
  });

  it('makes each Loc once, on first read, and lets it be replaced', () => {
    const sf = parseSource('f.yaml', 'a:\n  b: 1\n');
    const map = sf.docs[0]!.node as { items: { keyLoc?: unknown; value: { loc?: unknown; items: { value: { loc?: unknown } }[] } }[] };
    const inner = map.items[0]!.value;
    expect(inner.loc).toBe(inner.loc);
    expect(inner.loc).toEqual({ file: 'f.yaml', start: 5, end: 10, line: 2, col: 3, endLine: 3, endCol: 1 });
    expect(inner.items[0]!.value.loc).toEqual({ file: 'f.yaml', start: 8, end: 9, line: 2, col: 6, endLine: 2, endCol: 7 });
    const other = { file: 'g.yaml', start: 0, end: 1, line: 1, col: 1, endLine: 1, endCol: 2 };
    inner.loc = other;
    expect(inner.loc).toBe(other);
    expect(map.items[0]!.keyLoc).toEqual({ file: 'f.yaml', start: 0, end: 1, line: 1, col: 1, endLine: 1, endCol: 2 });
  });
});
