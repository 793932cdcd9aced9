// SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif) and other viewers.
//
// GitHub's limits (FACTS §14): one run per file, at most 5,000 results kept per run (we keep
// the most severe ourselves and say how many were dropped), 10 MB gzip-compressed per upload.
// GitHub ignores `helpUri`, so `help.markdown` links the rule doc; it computes
// `primaryLocationLineHash` itself, so we only add our own line-free fingerprint.
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Fix, Severity } from '../engine/finding.js';
import { docsUrl, type RuleMeta } from '../engine/rule.js';
import { lineStartsOf, position } from '../load/lines.js';
import {
  bySeverity, displayPath, hashHex, identities, isInside, regionOf, sortFindings, textEditsOf,
  type ReportContext, type TextEdit,
} from './context.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/medialint/medialint';
export const SARIF_MAX_RESULTS = 5_000;
/** GitHub refuses uploads over 10 MB compressed; stay under the smaller reading of "MB". */
export const SARIF_MAX_GZIP_BYTES = 10 * 1000 * 1000;
export const FINGERPRINT_KEY = 'medialint/v1';
export const AUTOMATION_ID = 'medialint/';
const SRCROOT = '%SRCROOT%';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

type Json = Record<string, unknown>;

export function sarif(findings: Finding[], ctx: ReportContext): string {
  const maxResults = ctx.sarifMaxResults ?? SARIF_MAX_RESULTS;
  const maxGzip = ctx.sarifMaxGzipBytes ?? SARIF_MAX_GZIP_BYTES;
  const ranked = bySeverity(findings);
  let keep = Math.min(ranked.length, Math.max(0, maxResults));
  let tooLarge = false;
  for (;;) {
    const text = JSON.stringify(sarifLog(ranked.slice(0, keep), findings.length, tooLarge, ctx), null, 2) + '\n';
    // gzip never grows text by more than a few bytes per 16 KiB block: skip it when clearly small.
    if (Buffer.byteLength(text) < maxGzip * 0.99 || keep === 0) return text;
    const size = gzipSync(text).length;
    if (size <= maxGzip) return text;
    tooLarge = true;
    keep = Math.min(keep - 1, Math.floor(keep * (maxGzip / size) * 0.95));
    keep = Math.max(0, keep);
  }
}

/** The SARIF log object for the given (already capped) findings. */
function sarifLog(kept: Finding[], total: number, tooLarge: boolean, ctx: ReportContext): Json {
  const findings = sortFindings(kept);
  const ids = identities(findings, ctx.cwd);
  const artifacts = new Artifacts(ctx.cwd);

  const rules: RuleMeta[] = [];
  const ruleIndex = new Map<string, number>();
  for (const r of ctx.rules) {
    if (ruleIndex.has(r.id)) continue;
    ruleIndex.set(r.id, rules.length);
    rules.push(r);
  }
  for (const f of findings) {
    if (ruleIndex.has(f.ruleId)) continue;
    // A finding of a rule the registry does not list (should not happen): describe it minimally.
    ruleIndex.set(f.ruleId, rules.length);
    rules.push({ id: f.ruleId, severity: f.severity, fix: 'none', summary: f.ruleId, scope: 'input' });
  }

  const results = findings.map((f) => {
    const id = ids.get(f)!;
    const result: Json = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: physical(f.loc, artifacts) }],
    };
    if (f.related?.length) {
      result.relatedLocations = f.related.map((r, i) => ({
        id: i + 1,
        physicalLocation: physical(r.loc, artifacts),
        message: { text: r.message },
      }));
    }
    result.partialFingerprints = { [FINGERPRINT_KEY]: `${hashHex('sha256', id.key).slice(0, 32)}:${id.occurrence}` };
    const fixes = [f.fix, ...(f.suggestions ?? [])]
      .map((x) => (x ? sarifFix(x, ctx, artifacts) : undefined))
      .filter((x): x is Json => !!x);
    if (fixes.length) result.fixes = fixes;
    const properties: Json = {};
    if (f.overlays?.length) properties.overlays = [...f.overlays];
    if (f.workload) properties.workload = f.workload;
    if (Object.keys(properties).length) result.properties = properties;
    return result;
  });

  const dropped = total - kept.length + (ctx.dropped ?? 0);
  const notifications: Json[] = [];
  if (dropped > 0) {
    const why = tooLarge
      ? `to keep the file under GitHub's ${SARIF_MAX_GZIP_BYTES / 1e6} MB compressed upload limit`
      : `because GitHub code scanning keeps at most ${SARIF_MAX_RESULTS.toLocaleString('en-US')} results per run`;
    notifications.push({
      level: 'warning',
      descriptor: { id: 'medialint/results-dropped' },
      message: {
        text: `${dropped} result${dropped === 1 ? ' was' : 's were'} left out of this file ${why}; ` +
          `the ${kept.length} most severe are included. Run medialint locally to see all of them.`,
      },
    });
  }

  const run: Json = {
    tool: {
      driver: {
        name: 'medialint',
        version: ctx.version,
        informationUri: INFORMATION_URI,
        rules: rules.map((r) => descriptor(r, ctx)),
      },
    },
    automationDetails: { id: AUTOMATION_ID },
    originalUriBaseIds: { [SRCROOT]: { uri: dirUri(ctx.cwd) } },
    columnKind: 'utf16CodeUnits',
    artifacts: artifacts.list(),
    results,
    invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
    properties: { droppedResults: dropped },
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

function descriptor(r: RuleMeta, ctx: ReportContext): Json {
  const url = docsUrl(r.id);
  const doc = ctx.ruleDoc?.(r.id)?.trim();
  const body = doc || r.summary;
  const tags = ['kubernetes', `scope/${r.scope}`];
  if (r.fix !== 'none') tags.push(r.fix === 'fix' ? 'fixable' : 'has-suggestions');
  return {
    id: r.id,
    name: pascalCase(r.id),
    shortDescription: { text: r.summary },
    fullDescription: { text: r.summary },
    help: {
      text: `${body}\n\nDocumentation: ${url}`,
      markdown: `${body}\n\n[Documentation for ${r.id}](${url})`,
    },
    helpUri: url,
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { tags },
  };
}

function physical(loc: Finding['loc'], artifacts: Artifacts): Json {
  const r = regionOf(loc);
  return {
    artifactLocation: artifacts.location(loc.file),
    region: { startLine: r.line, startColumn: r.col, endLine: r.endLine, endColumn: r.endCol },
  };
}

/** A SARIF fix from a fix or suggestion, when its text edits are known and apply to known text. */
function sarifFix(fix: Fix, ctx: ReportContext, artifacts: Artifacts): Json | undefined {
  const edits = textEditsOf(fix);
  if (!edits || !ctx.sourceText) return undefined;
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  const changes: Json[] = [];
  for (const [file, list] of byFile) {
    const text = ctx.sourceText(file);
    if (text === undefined) return undefined;
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.end > text.length) return undefined;
      if (i > 0 && list[i]!.start < list[i - 1]!.end) return undefined; // overlapping: not a valid fix
    }
    const starts = lineStartsOf(text);
    changes.push({
      artifactLocation: artifacts.location(file),
      replacements: list.map((e) => {
        const a = position(starts, e.start);
        const b = position(starts, e.end);
        return {
          deletedRegion: {
            startLine: a.line, startColumn: a.col, endLine: b.line, endColumn: b.col,
            charOffset: e.start, charLength: e.end - e.start,
          },
          insertedContent: { text: e.text },
        };
      }),
    });
  }
  return { description: { text: fix.description }, artifactChanges: changes };
}

/** The run's artifacts, each listed once, with URIs relative to %SRCROOT% when inside cwd. */
class Artifacts {
  private readonly index = new Map<string, number>();
  private readonly locations: Json[] = [];
  constructor(private readonly cwd: string) {}

  location(file: string): Json {
    const loc = fileLocation(file, this.cwd);
    const key = `${loc.uriBaseId ?? ''}|${loc.uri}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.locations.length;
      this.index.set(key, i);
      this.locations.push(loc);
    }
    return { ...loc, index: i };
  }

  list(): Json[] {
    return this.locations.map((location) => ({ location }));
  }
}

function fileLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  if (isInside(file, cwd)) {
    return { uri: displayPath(file, cwd).split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(resolve(cwd, file)).href };
}

function dirUri(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith('/') ? href : href + '/';
}

function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
