import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import _Ajv2020 from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import type { Finding, Severity } from '../src/engine/finding.js';
import type { RuleMeta } from '../src/engine/rule.js';
import type { Loc } from '../src/load/ynode.js';
import { FORMATS, formatFindings, type ReportContext } from '../src/report/index.js';
import { escapeData, escapeProperty, limitAnnotations } from '../src/report/github.js';

// ajv and ajv-formats are CommonJS; take the class/function whichever way the loader hands it over.
// Under NodeNext their default import is typed as the whole module, hence `.default` in the types.
const Ajv2020 = ((_Ajv2020 as unknown as { default?: unknown }).default ?? _Ajv2020) as typeof _Ajv2020.default;
const addFormats = ((_addFormats as unknown as { default?: unknown }).default ?? _addFormats) as typeof _addFormats.default;

const schema = (name: string) => JSON.parse(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8'));

function validator(name: string) {
  const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema(name));
}
const validateSarif = validator('sarif-schema-2.1.0.json');
const validateResults = validator('results.schema.json');

function loc(file: string, line: number, col: number, endLine = line, endCol = col + 1, start = 0, end = start + 1): Loc {
  return { file, start, end, line, col, endLine, endCol };
}

const CWD = '/work/proj';

const DEPLOY = 'base/deploy.yaml';
// 0-based offsets used by the fix below: "mountPath: /mnt/media" is on line 3.
const DEPLOY_TEXT = 'kind: Deployment\nspec:\n  mountPath: /mnt/media\n';

const RULES: RuleMeta[] = [
  { id: 'consumer-host-to-container', severity: 'error', fix: 'fix', summary: 'A container reading a propagated mount needs HostToContainer.', scope: 'pod' },
  { id: 'rclone-rc-exposed', severity: 'warning', fix: 'none', summary: 'The rclone remote control listens on every address.', scope: 'pod' },
  { id: 'unused-suppression', severity: 'info', fix: 'suggestion', summary: 'A suppression comment that suppresses nothing.', scope: 'input' },
];

const consumer: Finding = {
  ruleId: 'consumer-host-to-container',
  severity: 'error',
  message: 'sonarr mounts media at /mnt/media without mountPropagation; set HostToContainer.',
  loc: loc(DEPLOY, 3, 3, 3, 24, 25, 46),
  fix: {
    description: 'Set mountPropagation: HostToContainer',
    edits: [],
    // What the fixer attaches once the YAML edits are resolved to text.
    textEdits: [{ file: DEPLOY, start: 46, end: 46, text: '\n  mountPropagation: HostToContainer' }],
  } as Finding['fix'],
  related: [{ loc: loc('base/rclone.yaml', 30, 7), message: 'rclone mounts it here' }],
  overlays: ['overlays/dev', 'overlays/prod'],
  workload: 'Deployment/media/sonarr',
};
const rc: Finding = {
  ruleId: 'rclone-rc-exposed',
  severity: 'warning',
  message: 'rclone --rc listens on :5572 (all addresses)',
  loc: loc(DEPLOY, 12, 11, 14, 2),
};
const unused: Finding = {
  ruleId: 'unused-suppression',
  severity: 'info',
  message: 'Nothing to suppress',
  loc: loc(`${CWD}/apps/plex.yaml`, 100, 5, 100, 40),
  suggestions: [{ description: 'Remove the comment', edits: [] }],
};
const FINDINGS = [unused, rc, consumer]; // deliberately unsorted

function ctx(over: Partial<ReportContext> = {}): ReportContext {
  return {
    cwd: CWD,
    rules: RULES,
    color: false,
    version: '1.2.3',
    ruleDoc: (id) => (id === 'consumer-host-to-container' ? '# consumer-host-to-container\n\nWhy and how.' : undefined),
    sourceText: (file) => (file === DEPLOY ? DEPLOY_TEXT : undefined),
    ...over,
  };
}

describe('formatFindings', () => {
  it('knows the five formats and refuses others', () => {
    expect(Object.keys(FORMATS)).toEqual(['stylish', 'json', 'sarif', 'github', 'gitlab']);
    expect(formatFindings('github', FINDINGS, ctx())).toBe(FORMATS.github(FINDINGS, ctx()));
    expect(() => formatFindings('junit', FINDINGS, ctx())).toThrow(/unknown format 'junit'/);
  });

  it('does not reorder the caller\'s array', () => {
    const input = [...FINDINGS];
    for (const name of Object.keys(FORMATS)) formatFindings(name, input, ctx());
    expect(input).toEqual(FINDINGS);
  });
});

describe('stylish', () => {
  it('groups by file with aligned columns, related places, overlays and a summary', () => {
    expect(formatFindings('stylish', FINDINGS, ctx())).toBe(
      [
        'apps/plex.yaml',
        '  100:5  info  Nothing to suppress  unused-suppression',
        '',
        'base/deploy.yaml',
        '   3:3   error    sonarr mounts media at /mnt/media without mountPropagation; set HostToContainer.  consumer-host-to-container',
        '    see also: base/rclone.yaml:30 rclone mounts it here',
        '    (via overlays: overlays/dev, overlays/prod)',
        '  12:11  warning  rclone --rc listens on :5572 (all addresses)                                      rclone-rc-exposed',
        '',
        '✖ 3 problems (1 error, 1 warning, 1 info)',
        '  1 fixable with --fix',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing without findings, and singular/plural counts', () => {
    expect(formatFindings('stylish', [], ctx())).toBe('');
    expect(formatFindings('stylish', [rc], ctx())).toBe(
      'base/deploy.yaml\n  12:11  warning  rclone --rc listens on :5572 (all addresses)  rclone-rc-exposed\n\n' +
        '✖ 1 problem (0 errors, 1 warning, 0 infos)\n',
    );
  });

  it('colours only when asked', () => {
    const plain = formatFindings('stylish', FINDINGS, ctx());
    expect(plain).not.toMatch(/\x1b\[/);
    const coloured = formatFindings('stylish', FINDINGS, ctx({ color: true }));
    expect(coloured).toContain('\x1b[4mbase/deploy.yaml\x1b[24m');
    expect(coloured).toContain('\x1b[31merror  \x1b[39m');
    expect(coloured).toContain('\x1b[33mwarning\x1b[39m');
    expect(coloured).toContain('\x1b[34minfo\x1b[39m');
    expect(coloured).toContain('\x1b[2mconsumer-host-to-container\x1b[22m');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(plain);
  });
});

describe('json', () => {
  const out = formatFindings('json', FINDINGS, ctx({ fixed: [{ file: 'base/fixed.yaml', edits: [{ start: 1, end: 2, text: 'x' }] }] }));
  const results = JSON.parse(out);

  it('is valid against schemas/results.schema.json', () => {
    expect(validateResults(results), JSON.stringify(validateResults.errors)).toBe(true);
    expect(validateResults([{ filePath: 'a', messages: [], errorCount: 0 }])).toBe(false);
  });

  it('lists files with counts and messages', () => {
    expect(results.map((r: { filePath: string }) => r.filePath)).toEqual(['apps/plex.yaml', 'base/deploy.yaml', 'base/fixed.yaml']);
    const deploy = results[1];
    expect(deploy).toMatchObject({ errorCount: 1, warningCount: 1, infoCount: 0, fixableCount: 1 });
    expect(deploy.messages[0]).toEqual({
      ruleId: 'consumer-host-to-container',
      severity: 'error',
      message: consumer.message,
      line: 3,
      column: 3,
      endLine: 3,
      endColumn: 24,
      fix: {
        description: 'Set mountPropagation: HostToContainer',
        edits: [{ filePath: DEPLOY, start: 46, end: 46, text: '\n  mountPropagation: HostToContainer' }],
      },
      related: [{ filePath: 'base/rclone.yaml', line: 30, column: 7, endLine: 30, endColumn: 8, message: 'rclone mounts it here' }],
      overlays: ['overlays/dev', 'overlays/prod'],
      workload: 'Deployment/media/sonarr',
    });
    expect(deploy.messages[1]).toEqual({
      ruleId: 'rclone-rc-exposed', severity: 'warning', message: rc.message, line: 12, column: 11, endLine: 14, endColumn: 2,
    });
    expect(results[0]).toMatchObject({ infoCount: 1, fixableCount: 0 });
    expect(results[0].messages[0].suggestions).toEqual([{ description: 'Remove the comment' }]);
    expect(results[2]).toEqual({
      filePath: 'base/fixed.yaml', messages: [], errorCount: 0, warningCount: 0, infoCount: 0, fixableCount: 0,
      appliedEdits: [{ start: 1, end: 2, text: 'x' }],
    });
    expect(formatFindings('json', [], ctx())).toBe('[]\n');
  });
});

describe('sarif', () => {
  const log = JSON.parse(formatFindings('sarif', FINDINGS, ctx()));
  const run = log.runs[0];

  it('is valid SARIF 2.1.0 (the schema upload-sarif uses)', () => {
    expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
    expect(validateSarif(JSON.parse(formatFindings('sarif', [], ctx())))).toBe(true);
  });

  it('has one run with the driver and every rule', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver).toMatchObject({ name: 'medialint', version: '1.2.3', informationUri: 'https://github.com/medialint/medialint' });
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(run.tool.driver.rules[0]).toEqual({
      id: 'consumer-host-to-container',
      name: 'ConsumerHostToContainer',
      shortDescription: { text: RULES[0]!.summary },
      fullDescription: { text: RULES[0]!.summary },
      help: {
        text: '# consumer-host-to-container\n\nWhy and how.\n\nDocumentation: https://github.com/medialint/medialint/blob/main/rules/consumer-host-to-container.md',
        markdown: '# consumer-host-to-container\n\nWhy and how.\n\n[Documentation for consumer-host-to-container](https://github.com/medialint/medialint/blob/main/rules/consumer-host-to-container.md)',
      },
      helpUri: 'https://github.com/medialint/medialint/blob/main/rules/consumer-host-to-container.md',
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['kubernetes', 'scope/pod', 'fixable'] },
    });
    expect(run.tool.driver.rules[2].defaultConfiguration.level).toBe('note');
    expect(run.tool.driver.rules[1].help.markdown).toContain('The rclone remote control listens on every address.');
    expect(run.automationDetails.id).toBe('medialint/');
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///work/proj/' } });
    expect(run.properties.droppedResults).toBe(0);
    expect(run.artifacts.map((a: { location: { uri: string } }) => a.location.uri)).toEqual(['apps/plex.yaml', 'base/deploy.yaml', 'base/rclone.yaml']);
  });

  it('writes results with levels, relative locations, related locations and fingerprints', () => {
    expect(run.results.map((r: { ruleId: string; ruleIndex: number; level: string }) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['unused-suppression', 2, 'note'],
      ['consumer-host-to-container', 0, 'error'],
      ['rclone-rc-exposed', 1, 'warning'],
    ]);
    const r = run.results[1];
    expect(r.message).toEqual({ text: consumer.message });
    expect(r.locations).toEqual([{
      physicalLocation: {
        artifactLocation: { uri: 'base/deploy.yaml', uriBaseId: '%SRCROOT%', index: 1 },
        region: { startLine: 3, startColumn: 3, endLine: 3, endColumn: 24 },
      },
    }]);
    expect(r.relatedLocations).toEqual([{
      id: 1,
      physicalLocation: {
        artifactLocation: { uri: 'base/rclone.yaml', uriBaseId: '%SRCROOT%', index: 2 },
        region: { startLine: 30, startColumn: 7, endLine: 30, endColumn: 8 },
      },
      message: { text: 'rclone mounts it here' },
    }]);
    expect(r.properties).toEqual({ overlays: ['overlays/dev', 'overlays/prod'], workload: 'Deployment/media/sonarr' });
    expect(Object.keys(r.partialFingerprints)).toEqual(['medialint/v1']);
    expect(r.partialFingerprints['medialint/v1']).toMatch(/^[0-9a-f]{32}:1$/);
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('apps/plex.yaml');
  });

  it('keeps fingerprints when lines move, and tells identical findings apart', () => {
    const fp = (fs: Finding[]) => JSON.parse(formatFindings('sarif', fs, ctx())).runs[0].results
      .map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['medialint/v1']);
    const moved = { ...consumer, loc: { ...consumer.loc, line: 40, endLine: 40 } };
    expect(fp([moved])).toEqual(fp([consumer]));
    const again = { ...consumer, loc: { ...consumer.loc, line: 50, endLine: 50 } };
    const [a, b] = fp([consumer, again]);
    expect(a).toBe(fp([consumer])[0]);
    expect(b).toBe(a.replace(/:1$/, ':2'));
    expect(fp([{ ...consumer, message: 'other' }])[0]).not.toBe(a);
  });

  it('turns fixes with text edits into SARIF fixes', () => {
    expect(run.results[1].fixes).toEqual([{
      description: { text: 'Set mountPropagation: HostToContainer' },
      artifactChanges: [{
        artifactLocation: { uri: 'base/deploy.yaml', uriBaseId: '%SRCROOT%', index: 1 },
        replacements: [{
          deletedRegion: { startLine: 3, startColumn: 24, endLine: 3, endColumn: 24, charOffset: 46, charLength: 0 },
          insertedContent: { text: '\n  mountPropagation: HostToContainer' },
        }],
      }],
    }]);
    // No text edits (suggestion) or no source text: no fixes.
    expect(run.results[0].fixes).toBeUndefined();
    const noText = JSON.parse(formatFindings('sarif', [consumer], ctx({ sourceText: undefined })));
    expect(noText.runs[0].results[0].fixes).toBeUndefined();
  });

  it('puts files outside cwd as absolute file URIs and encodes names', () => {
    const out = JSON.parse(formatFindings('sarif', [
      { ...rc, loc: loc('/elsewhere/x.yaml', 1, 1) },
      { ...rc, loc: loc('dir with space/a#b.yaml', 1, 1) },
    ], ctx()));
    expect(validateSarif(out)).toBe(true);
    expect(out.runs[0].artifacts.map((a: { location: unknown }) => a.location)).toEqual([
      { uri: 'file:///elsewhere/x.yaml' },
      { uri: 'dir%20with%20space/a%23b.yaml', uriBaseId: '%SRCROOT%' },
    ]);
  });

  it('keeps the 5,000 most severe results and says how many were dropped', () => {
    const many: Finding[] = [];
    const sev: Severity[] = ['info', 'warning', 'error'];
    // 2,000 of each level, interleaved: keeping 5,000 drops 1,000 infos.
    for (let i = 0; i < 6000; i++) many.push({ ruleId: RULES[2 - (i % 3)]!.id, severity: sev[i % 3]!, message: `m${i}`, loc: loc(`f${i % 7}.yaml`, i + 1, 1) });
    const out = JSON.parse(formatFindings('sarif', many, ctx({ dropped: 5 })));
    const r = out.runs[0];
    expect(r.results).toHaveLength(5000);
    const levels = r.results.map((x: { level: string }) => x.level);
    expect(levels.filter((l: string) => l === 'error')).toHaveLength(2000);
    expect(levels.filter((l: string) => l === 'warning')).toHaveLength(2000);
    expect(levels.filter((l: string) => l === 'note')).toHaveLength(1000);
    expect(r.properties.droppedResults).toBe(1005);
    expect(r.invocations[0].toolExecutionNotifications).toHaveLength(1);
    expect(r.invocations[0].toolExecutionNotifications[0].level).toBe('warning');
    expect(r.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^1005 results were left out .* 5,000 results per run; the 5000 most severe/);
    expect(validateSarif(out), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
  });

  it('trims the least severe results to stay under the compressed size limit', () => {
    const many: Finding[] = [];
    for (let i = 0; i < 300; i++) {
      // Incompressible messages, so that the size limit bites.
      const noise = gzipSync(Buffer.from(String(i).repeat(50))).toString('base64') + Math.random().toString(36).repeat(20);
      many.push({ ruleId: 'rclone-rc-exposed', severity: i < 100 ? 'error' : 'warning', message: noise, loc: loc('a.yaml', i + 1, 1) });
    }
    const full = formatFindings('sarif', many, ctx());
    const limit = Math.floor(gzipSync(full).length / 2);
    const text = formatFindings('sarif', many, ctx({ sarifMaxGzipBytes: limit }));
    expect(gzipSync(text).length).toBeLessThanOrEqual(limit);
    expect(gunzipSync(gzipSync(text)).toString()).toBe(text);
    const r = JSON.parse(text).runs[0];
    expect(r.results.length).toBeGreaterThan(100);
    expect(r.results.length).toBeLessThan(300);
    expect(r.results.filter((x: { level: string }) => x.level === 'error')).toHaveLength(100);
    expect(r.properties.droppedResults).toBe(300 - r.results.length);
    expect(r.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/compressed upload limit/);
  });
});

describe('github', () => {
  it('prints one workflow command per finding', () => {
    expect(formatFindings('github', FINDINGS, ctx())).toBe(
      '::notice file=apps/plex.yaml,line=100,col=5,endLine=100,endColumn=40,title=medialint unused-suppression::Nothing to suppress\n' +
        '::error file=base/deploy.yaml,line=3,col=3,endLine=3,endColumn=24,title=medialint consumer-host-to-container::' +
        'sonarr mounts media at /mnt/media without mountPropagation; set HostToContainer.' +
        '%0Asee also: base/rclone.yaml:30 rclone mounts it here%0A(via overlays: overlays/dev, overlays/prod)\n' +
        // Multi-line range: GitHub takes columns only within one line.
        '::warning file=base/deploy.yaml,line=12,endLine=14,title=medialint rclone-rc-exposed::rclone --rc listens on :5572 (all addresses)\n',
    );
    expect(formatFindings('github', [], ctx())).toBe('');
  });

  it('escapes as @actions/core does', () => {
    expect(escapeData('100% a:b,c\r\nd')).toBe('100%25 a:b,c%0D%0Ad');
    expect(escapeProperty('100% a:b,c\r\nd')).toBe('100%25 a%3Ab%2Cc%0D%0Ad');
    const f: Finding = { ruleId: 'rclone-rc-exposed', severity: 'warning', message: '50% done:\nnext, then', loc: loc('we,ird:name%.yaml', 1, 2, 1, 3) };
    expect(formatFindings('github', [f], ctx())).toBe(
      '::warning file=we%2Cird%3Aname%25.yaml,line=1,col=2,endLine=1,endColumn=3,title=medialint rclone-rc-exposed::50%25 done:%0Anext, then\n',
    );
  });

  it('respects the per-step annotation limit when asked, most severe first', () => {
    const many: Finding[] = [];
    for (let i = 0; i < 12; i++) many.push({ ...rc, severity: 'error', loc: loc('a.yaml', i + 1, 1) });
    for (let i = 0; i < 3; i++) many.push({ ...rc, severity: 'warning', loc: loc('b.yaml', i + 1, 1) });
    for (let i = 0; i < 10; i++) many.push({ ...unused, loc: loc('c.yaml', i + 1, 1) });
    const { shown, omitted } = limitAnnotations(many, 10);
    expect(shown.filter((f) => f.severity === 'error')).toHaveLength(10);
    expect(shown.filter((f) => f.severity === 'warning')).toHaveLength(3);
    expect(shown.filter((f) => f.severity === 'info')).toHaveLength(9); // one notice left for "N more"
    expect(omitted).toBe(3);
    const lines = formatFindings('github', many, ctx({ githubAnnotationsPerLevel: 10 })).trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::notice'))).toHaveLength(10);
    expect(lines.at(-1)).toBe('::notice title=medialint::3 more findings not annotated: GitHub shows at most 10 error, 10 warning ' +
      'and 10 notice annotations per step. See the job summary or the code scanning results for all of them.');
    expect(limitAnnotations(many.slice(12), 10)).toEqual({ shown: many.slice(12), omitted: 0 });
  });
});

describe('gitlab', () => {
  it('writes Code Quality issues', () => {
    const out = formatFindings('gitlab', FINDINGS, ctx());
    const issues = JSON.parse(out);
    const fps = issues.map((i: { fingerprint: string }) => i.fingerprint);
    for (const fp of fps) expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(fps).size).toBe(3);
    expect(out).toBe(JSON.stringify([
      {
        description: 'Nothing to suppress', check_name: 'unused-suppression', fingerprint: fps[0], severity: 'info',
        location: { path: 'apps/plex.yaml', lines: { begin: 100, end: 100 } },
      },
      {
        description: consumer.message, check_name: 'consumer-host-to-container', fingerprint: fps[1], severity: 'critical',
        location: { path: 'base/deploy.yaml', lines: { begin: 3, end: 3 } },
      },
      {
        description: rc.message, check_name: 'rclone-rc-exposed', fingerprint: fps[2], severity: 'major',
        location: { path: 'base/deploy.yaml', lines: { begin: 12, end: 14 } },
      },
    ], null, 2) + '\n');
    // md5 of rule \0 path \0 message \0 occurrence: independent of the line.
    expect(fps[2]).toBe('' + md5('rclone-rc-exposed\0base/deploy.yaml\0rclone --rc listens on :5572 (all addresses)\x001'));
    const moved = JSON.parse(formatFindings('gitlab', [{ ...rc, loc: loc(DEPLOY, 99, 1) }], ctx()));
    expect(moved[0].fingerprint).toBe(fps[2]);
    expect(formatFindings('gitlab', [], ctx())).toBe('[]\n');
  });
});

import { createHash } from 'node:crypto';
function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}
