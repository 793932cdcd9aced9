// GitLab Code Quality report (a JSON array of issues; docs.gitlab.com "Code Quality" report format).
import type { Finding, Severity } from '../engine/finding.js';
import { displayPath, hashHex, identities, regionOf, sortFindings, type ReportContext } from './context.js';

const SEVERITY: Record<Severity, 'critical' | 'major' | 'info'> = { error: 'critical', warning: 'major', info: 'info' };

export interface GitlabIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number; end: number } };
}

export function gitlabIssues(findings: Finding[], ctx: ReportContext): GitlabIssue[] {
  const ids = identities(findings, ctx.cwd);
  return sortFindings(findings).map((f) => {
    const id = ids.get(f)!;
    const r = regionOf(f.loc);
    return {
      description: f.message,
      check_name: f.ruleId,
      // Rule + file + message (+ which of the identical ones), not the line: stable across edits above.
      fingerprint: hashHex('md5', `${id.key}\0${id.occurrence}`),
      severity: SEVERITY[f.severity],
      location: { path: displayPath(f.loc.file, ctx.cwd), lines: { begin: r.line, end: r.endLine } },
    };
  });
}

export function gitlab(findings: Finding[], ctx: ReportContext): string {
  return JSON.stringify(gitlabIssues(findings, ctx), null, 2) + '\n';
}
