// Suppressions (SPEC §5): the three comment forms, the annotation, kustomize bases, and
// --report-unused-suppressions.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { lintFiles, lintPaths } from '../src/engine/lint.js';
import { defaultConfig } from '../src/engine/config.js';
import { applySuppressions, directivesOf, parseRuleList } from '../src/engine/suppress.js';
import { parseSource, makeLoc } from '../src/load/source.js';
import type { Finding } from '../src/engine/finding.js';
import { RULES } from '../rules/index.js';
import { ROOT } from './helpers.js';
import { BIDI, INVALID, findingKeys, twoErrorPod as pod } from './support/two-errors.js';
import { tmpTree, useTmpDirs } from './support/tmp.js';

useTmpDirs();

function lint(text: string, reportUnused = false) {
  return lintFiles([], { cwd: ROOT, config: defaultConfig(), rules: RULES, stdin: { text, filename: 'test.yaml' }, reportUnusedSuppressions: reportUnused }).findings;
}

const lines = (fs: Finding[]) => findingKeys(fs);

/** Inserts `text` as a new line before line `n` (1-based). */
function insertLine(src: string, n: number, text: string): string {
  const ls = src.split('\n');
  ls.splice(n - 1, 0, text);
  return ls.join('\n');
}

/** Appends a trailing comment to line `n`. */
function appendTo(src: string, n: number, text: string): string {
  const ls = src.split('\n');
  ls[n - 1] += ` ${text}`;
  return ls.join('\n');
}

describe('the manifest these tests use', () => {
  it('has one finding of each rule', () => {
    expect(lines(lint(pod()))).toEqual([`14 ${INVALID}`, `20 ${BIDI}`]);
  });
});

describe('# medialint-disable-next-line', () => {
  it('silences the named rule on the next line only', () => {
    const src = insertLine(pod(), 14, `              # medialint-disable-next-line ${INVALID} -- the operator webhook fixes the case`);
    expect(lines(lint(src))).toEqual([`21 ${BIDI}`]);
  });

  it('leaves other rules on that line alone', () => {
    const src = insertLine(pod(), 14, `              # medialint-disable-next-line ${BIDI}`);
    expect(lines(lint(src))).toEqual([`15 ${INVALID}`, `21 ${BIDI}`]);
  });

  it('without a rule list silences every rule on the next line', () => {
    const src = insertLine(pod(), 20, '              # medialint-disable-next-line');
    expect(lines(lint(src))).toEqual([`14 ${INVALID}`]);
  });

  it('takes rules separated by commas and spaces, and stacked comment lines', () => {
    let src = insertLine(pod(), 20, `              # medialint-disable-next-line ${INVALID},${BIDI} -- both`);
    src = insertLine(src, 21, '              # a note between the directive and its line');
    expect(lines(lint(src))).toEqual([`14 ${INVALID}`]);
  });
});

describe('# medialint-disable-line', () => {
  it('silences the rules on its own line', () => {
    const src = appendTo(pod(), 14, `# medialint-disable-line ${INVALID} -- reason`);
    expect(lines(lint(src))).toEqual([`20 ${BIDI}`]);
  });

  it('does not reach the next line', () => {
    const src = appendTo(pod(), 13, `# medialint-disable-line ${INVALID}`);
    expect(lines(lint(src))).toEqual([`14 ${INVALID}`, `20 ${BIDI}`]);
  });
});

describe('# medialint-disable (file level)', () => {
  it('at the top silences the named rule in the whole file', () => {
    expect(lines(lint(`# medialint-disable ${BIDI} -- reviewed\n` + pod()))).toEqual([`15 ${INVALID}`]);
  });

  it('without a rule list silences every rule', () => {
    expect(lint('# medialint-disable\n' + pod())).toEqual([]);
  });

  it('applies from its line to the end of the file, later documents included', () => {
    const src = pod('one') + `---\n# medialint-disable ${INVALID}\n` + pod('two');
    // Document two starts on line 26: its errors sit on lines 39 and 45.
    expect(lines(lint(src))).toEqual([`14 ${INVALID}`, `20 ${BIDI}`, `45 ${BIDI}`]);
  });

  it('ends at # medialint-enable', () => {
    const src = '# medialint-disable\n' + pod('one') + '---\n# medialint-enable ' + BIDI + '\n' + pod('two');
    expect(lines(lint(src))).toEqual([`46 ${BIDI}`]);
  });
});

describe('comments that are not directives', () => {
  it('ignores directive text inside a block scalar, in a value, or later in a comment', () => {
    const src = pod().replace('          image: busybox\n', `          image: busybox
          args:
            - |
              # medialint-disable
              echo "# medialint-disable"
`) + `# see medialint-disable docs\n`;
    expect(lines(lint(src))).toEqual([`18 ${INVALID}`, `24 ${BIDI}`]);
  });

  it('finds nothing to parse in a file without the word (one indexOf)', () => {
    const sf = parseSource('x.yaml', pod());
    expect(directivesOf(sf)).toEqual([]);
  });

  it('parses rule lists and reasons', () => {
    expect(parseRuleList(' a, b -- because -- x')).toEqual(['a', 'b']);
    expect(parseRuleList(' a b,a')).toEqual(['a', 'b']);
    expect(parseRuleList(' -- only a reason')).toBeUndefined();
    expect(parseRuleList('')).toBeUndefined();
  });
});

describe('the medialint.dev/ignore annotation', () => {
  const ann = (v: string) => `  annotations:\n    medialint.dev/ignore: "${v}"\n`;

  it('silences the listed rules on that resource', () => {
    expect(lines(lint(pod('app', ann(`${BIDI}`))))).toEqual([`16 ${INVALID}`]);
    expect(lint(pod('app', ann(`${INVALID}, ${BIDI}`)))).toEqual([]);
  });

  it('"*" silences every rule on that resource', () => {
    expect(lint(pod('app', ann('*')))).toEqual([]);
  });

  it('does not reach other resources of the same file', () => {
    const src = pod('quiet', ann(BIDI)) + '---\n' + pod('loud');
    expect(lines(lint(src))).toEqual([`16 ${INVALID}`, `40 ${INVALID}`, `46 ${BIDI}`]);
  });
});

describe('--report-unused-suppressions', () => {
  it('is off by default', () => {
    expect(lines(lint('# medialint-disable-next-line\n' + pod()))).toEqual([`15 ${INVALID}`, `21 ${BIDI}`]);
  });

  it('reports a comment that silences nothing, at the comment, as info', () => {
    const src = insertLine(pod(), 3, '# medialint-disable-next-line -- nothing here');
    const f = lint(src, true).filter((x) => x.ruleId === 'unused-suppression');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'info', loc: { line: 3, col: 1 } });
    expect(f[0]!.message).toContain('silences nothing');
    expect(f[0]!.message).toContain('line 4');
  });

  it('names the listed rules that silenced nothing, and keeps quiet about the used ones', () => {
    const src = insertLine(pod(), 14, `              # medialint-disable-next-line ${INVALID}, ${BIDI}`);
    const f = lint(src, true).filter((x) => x.ruleId === 'unused-suppression');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain(`for ${BIDI}`);
    expect(f[0]!.message).not.toContain(`${INVALID},`);
    expect(f[0]!.message).toContain('Remove that name from it');
  });

  it('says when a named rule does not exist, with the closest id', () => {
    const src = insertLine(pod(), 14, `              # medialint-disable-next-line invalid-mount-propogation`);
    const all = lint(src, true);
    expect(lines(all)).toContain(`15 ${INVALID}`);
    const f = all.filter((x) => x.ruleId === 'unused-suppression');
    expect(f[0]!.message).toContain('"invalid-mount-propogation" is not a medialint rule (did you mean invalid-mount-propagation?)');
  });

  it('is silent for comments that did their job', () => {
    const src = appendTo(pod(), 14, `# medialint-disable-line ${INVALID}`);
    expect(lint(src, true).filter((x) => x.ruleId === 'unused-suppression')).toEqual([]);
  });

  it('reports an annotation that silences nothing, at its value', () => {
    const src = pod('app', `  annotations:\n    medialint.dev/ignore: "no-node-selector"\n`);
    const f = lint(src, true).filter((x) => x.ruleId === 'unused-suppression');
    expect(f).toHaveLength(1);
    expect(f[0]!.loc.line).toBe(6);
    expect(f[0]!.message).toContain('no-node-selector reports nothing on Deployment app');
  });

  it('can be turned off or raised like any rule', () => {
    const src = '# medialint-disable-next-line\nkind: x\n';
    const run = (rules: Record<string, 'off' | 'warning'>) => lintFiles([], {
      cwd: ROOT, config: { ...defaultConfig(), rules }, rules: RULES, stdin: { text: src, filename: 'x.yaml' }, reportUnusedSuppressions: true,
    }).findings;
    expect(run({ 'unused-suppression': 'off' })).toEqual([]);
    expect(run({ 'unused-suppression': 'warning' }).map((f) => f.severity)).toEqual(['warning']);
  });
});

describe('suppressions in a kustomize base', () => {
  it('apply to findings whose origin is in the base, whichever overlay reached them', () => {
    // What the renderer hands over: a finding located in the base file, reached through two overlays.
    const baseText = `# medialint-disable ${BIDI}\n` + pod();
    const base = parseSource('apps/app/base/deployment.yaml', baseText);
    const overlay = parseSource('clusters/prod/kustomization.yaml', 'resources:\n  - ../../apps/app/base\n');
    const sources = new Map([[base.path, base], [overlay.path, overlay]]);
    const at = baseText.indexOf('Bidirectional');
    const finding: Finding = {
      ruleId: BIDI, severity: 'error', message: 'x',
      loc: makeLoc(base.path, base.lineStarts, at, at + 13),
      overlays: ['clusters/prod', 'clusters/lab'],
    };
    const other: Finding = { ...finding, loc: makeLoc(overlay.path, overlay.lineStarts, 0, 9) };
    const kept = applySuppressions([finding, other], {
      sources, model: { resources: [], workloads: [], services: [], pvs: [], pvcs: [] }, config: defaultConfig(), reportUnused: false,
    });
    expect(kept).toEqual([other]);
  });

  const haveKustomize = existsSync(path.join(ROOT, 'src/kustomize/index.ts'));
  it.skipIf(!haveKustomize)('end to end: a comment in the base silences the rendered finding', () => {
    const dir = tmpTree({
      'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'base/deployment.yaml': insertLine(pod(), 20, `              # medialint-disable-next-line ${BIDI}`),
      'overlay/kustomization.yaml': 'resources:\n  - ../base\nnamePrefix: prod-\n',
    }, 'medialint-suppress-');
    const r = lintPaths(['.'], { cwd: dir, config: defaultConfig(), rules: RULES, reportUnusedSuppressions: true });
    expect(findingKeys(r.findings, { file: true })).toEqual([`base/deployment.yaml:14 ${INVALID}`]);
  });
});
