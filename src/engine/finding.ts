import type { Workload } from '../model/types.js';
import type { Loc, YMap, YNode, YScalar, YSeq } from '../load/ynode.js';

export type Severity = 'error' | 'warning' | 'info';
export type FixKind = 'fix' | 'suggestion' | 'none';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/**
 * One change to a YAML source, expressed on the YNode tree. The fixer (src/fix) turns it
 * into a text edit on the file the node's Loc points at (a base, or the patch that set it),
 * keeping everything else byte-identical.
 */
export type Edit =
  /** Replace a scalar's value (quoting style kept where possible). */
  | { op: 'setScalar'; node: YScalar; value: string | number | boolean }
  /** Set `key` in a block or flow map: replace its value when present, else add a pair. */
  | { op: 'setKey'; map: YMap; key: string; value: unknown; after?: string }
  /** Remove a key (and its whole value block) from a map. */
  | { op: 'removeKey'; map: YMap; key: string }
  /** Append (or insert at `index`) an item to a sequence. */
  | { op: 'insertItem'; seq: YSeq; value: unknown; index?: number }
  /** Remove one item of a sequence. */
  | { op: 'removeItem'; seq: YSeq; index: number }
  /** Replace a span of text inside a scalar (a word inside an `sh -c` script, say). */
  | { op: 'replaceText'; loc: Loc; text: string }
  /**
   * Add a key to the map at `path` below `map`, creating the intermediate maps that do not
   * exist yet (`securityContext.privileged` where there is no securityContext).
   */
  | { op: 'setPath'; map: YMap; path: string[]; value: unknown };

export interface Fix {
  /** What the fix does, for `--fix-dry-run`, JSON and SARIF. */
  description: string;
  edits: Edit[];
  /** The same fix as concrete text edits, attached for JSON and SARIF output. */
  textEdits?: { file: string; start: number; end: number; text: string }[];
}

export interface Related {
  loc: Loc;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  loc: Loc;
  /** Applied by --fix. */
  fix?: Fix;
  /** Applied only with --fix --suggestions. */
  suggestions?: Fix[];
  /** The producer, the Service, the consumer...: "see also" places. */
  related?: Related[];
  /** Kustomize roots through which this finding was reached (set by the engine). */
  overlays?: string[];
  /** The workload the finding is about, for grouping (kind/namespace/name). */
  workload?: string;
}

/** What a rule reports: severity defaults to the rule's, loc may be any YNode. */
export interface Report {
  at: YNode | Loc | undefined;
  message: string;
  severity?: Severity;
  fix?: Fix;
  suggestions?: Fix[];
  related?: { at: YNode | Loc | undefined; message: string }[];
  /** The workload the finding is about, when a cross-workload (checkModel) rule knows it. */
  workload?: Workload;
}

export function locOf(at: YNode | Loc | undefined): Loc | undefined {
  if (!at) return undefined;
  if ('kind' in at) return at.loc;
  return at;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.loc.file.localeCompare(b.loc.file) ||
    a.loc.line - b.loc.line ||
    a.loc.col - b.loc.col ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}
