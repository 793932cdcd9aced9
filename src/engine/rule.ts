// The shape of a rule: metadata + a check over the model. Rules live in rules/<id>.ts.
import type { FixKind, Report, Severity } from './finding.js';
import type { Model, Pod } from '../model/types.js';
import type { Config } from './config.js';

export interface RuleMeta {
  id: string;
  severity: Severity;
  /** Fix kind this rule offers at most (a finding may still carry none). */
  fix: FixKind;
  summary: string;
  /** Pod-local (`pod`), cross-workload (`model`), or input/tool findings made elsewhere (`input`). */
  scope: 'pod' | 'model' | 'input';
}

export interface RuleContext {
  config: Config;
  model: Model;
  report(r: Report): void;
}

export interface Rule extends RuleMeta {
  checkPod?(pod: Pod, ctx: RuleContext): void;
  checkModel?(model: Model, ctx: RuleContext): void;
}

export function defineRule(r: Rule): Rule {
  return r;
}

export const DOCS_BASE = 'https://github.com/medialint/medialint/blob/main/rules';
export function docsUrl(id: string): string {
  return `${DOCS_BASE}/${id}.md`;
}
