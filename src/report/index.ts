// The output formats, by name (`-f/--format`).
import type { Finding } from '../engine/finding.js';
import type { Formatter, ReportContext } from './context.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { json } from './json.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';

export const FORMATS = { stylish, json, sarif, github, gitlab } as const satisfies Record<string, Formatter>;
export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

export function isFormatName(name: string): name is FormatName {
  return Object.prototype.hasOwnProperty.call(FORMATS, name);
}

/** Renders findings in the named format; throws on an unknown name (the CLI checks first). */
export function formatFindings(name: string, findings: Finding[], ctx: ReportContext): string {
  if (!isFormatName(name)) throw new Error(`unknown format '${name}' (expected one of ${FORMAT_NAMES.join(', ')})`);
  return FORMATS[name](findings, ctx);
}

export type { Formatter, ReportContext, TextEdit } from './context.js';
export { stylish, json, sarif, github, gitlab };
