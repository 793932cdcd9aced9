// File access for the renderer: reading (injectable), display paths, kustomize's load
// restrictor and cycle check, and turning a resource file into resources (List expansion,
// kyaml's validity checks, and kyaml's reading of plain scalars).
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { Finding } from '../engine/finding.js';
import { decode, parseSource } from '../load/source.js';
import { locSpan } from '../load/fast-yaml.js';
import { readRegularFile } from '../load/read.js';
import type { Loc, YMap, YNode, YPair } from '../load/ynode.js';
import { clone, get, isMap, isSeq, str } from '../load/ynode.js';
import type { RawScalar } from './tree.js';
import type { Res } from './types.js';
import { KError } from './types.js';

export interface RenderOptions {
  loadRestrictor: 'rootOnly' | 'none';
  readFile?: (abs: string) => Uint8Array | undefined;
  displayPath?: (abs: string) => string;
}

/** Per-render state: options, every file read, the findings gathered so far. */
export class Ctx {
  readonly files = new Set<string>();
  readonly findings: Finding[] = [];
  /** Text of every file read as text, by absolute path. */
  readonly texts = new Map<string, string>();
  private readonly seenWarnings = new Set<string>();
  constructor(readonly opts: RenderOptions) {}

  read(abs: string): Uint8Array | undefined {
    // readRegularFile, not readFileSync: a resource that is a FIFO or /dev/zero hung the render.
    const b = this.opts.readFile ? safe(() => this.opts.readFile!(abs)) : readRegularFile(abs);
    if (b) this.files.add(abs);
    return b;
  }

  /** Like read, but a miss does not count as a file read (probing for kustomization files). */
  probe(abs: string): Uint8Array | undefined {
    const b = this.opts.readFile ? safe(() => this.opts.readFile!(abs)) : readRegularFile(abs);
    if (b) this.files.add(abs);
    return b;
  }

  display(abs: string): string {
    if (this.opts.displayPath) return this.opts.displayPath(abs);
    const rel = nodePath.relative(process.cwd(), abs) || '.';
    return rel.split(nodePath.sep).join('/');
  }

  /** Symlinks resolved when reading from disk (kustomize's ConfirmDir / CleanedAbs). */
  real(abs: string): string {
    if (this.opts.readFile) return nodePath.resolve(abs);
    try {
      return fs.realpathSync.native(abs);
    } catch {
      return nodePath.resolve(abs);
    }
  }

  isDir(abs: string): boolean {
    if (this.opts.readFile) return false;
    try {
      return fs.statSync(abs).isDirectory();
    } catch {
      return false;
    }
  }

  warn(ruleId: 'kustomize-unsupported', loc: Loc, message: string): void {
    const k = `${loc.file}:${loc.line}:${loc.col}:${message}`;
    if (this.seenWarnings.has(k)) return;
    this.seenWarnings.add(k);
    this.findings.push({ ruleId, severity: 'warning', message, loc });
  }
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export const RESTRICTOR_HINT = 'use --load-restrictor none or config kustomize.loadRestrictor: none, as Flux builds';

/** kustomize's FileLoader: a root directory, the restrictor, and the chain of referrers. */
export class Loader {
  constructor(
    readonly ctx: Ctx,
    readonly root: string,
    readonly referrer?: Loader,
  ) {}

  /** Read a file named in this kustomization; missing or refused files are errors at `at`. */
  load(rel: string, at: Loc | undefined, what: string): { abs: string; bytes: Uint8Array } {
    const abs = nodePath.resolve(this.root, rel);
    this.checkRestriction(abs, rel, at, what);
    const bytes = this.ctx.read(abs);
    if (!bytes) throw new KError(`${what} '${rel}' was not found (looked for ${this.ctx.display(abs)}); fix the path or add the file.`, at);
    return { abs, bytes };
  }

  tryLoad(rel: string): { abs: string; bytes: Uint8Array } | undefined {
    const abs = nodePath.resolve(this.root, rel);
    if (this.ctx.opts.loadRestrictor === 'rootOnly' && !within(this.ctx.real(nodePath.dirname(abs)), this.ctx.real(this.root))) return undefined;
    const bytes = this.ctx.probe(abs);
    return bytes ? { abs, bytes } : undefined;
  }

  checkRestriction(abs: string, rel: string, at: Loc | undefined, what: string): void {
    if (this.ctx.opts.loadRestrictor !== 'rootOnly') return;
    const dir = this.ctx.real(nodePath.dirname(abs));
    const root = this.ctx.real(this.root);
    if (!within(dir, root)) {
      throw new KError(
        `${what} '${rel}' is outside the kustomization directory ${this.ctx.display(this.root)}, and kustomize's default load restrictor (rootOnly) refuses it; move the file under the kustomization, or ${RESTRICTOR_HINT}.`,
        at,
      );
    }
  }

  /** A loader for a directory named in this kustomization (a base or a component). */
  child(rel: string, at: Loc | undefined): Loader {
    const abs = this.ctx.real(nodePath.resolve(this.root, rel));
    for (let l: Loader | undefined = this; l; l = l.referrer) {
      if (within(this.ctx.real(l.root), abs)) {
        throw new KError(
          `cycle: '${rel}' (${this.ctx.display(abs)}) contains the kustomization ${this.ctx.display(l.root)} that already includes it; remove the reference or move the base into its own directory.`,
          at,
        );
      }
    }
    return new Loader(this.ctx, abs, this);
  }

  /** Whether `rel` is a directory holding a kustomization file. */
  hasKustomization(rel: string): boolean {
    const abs = nodePath.resolve(this.root, rel);
    return KUSTOMIZATION_FILES.some((f) => this.ctx.probe(nodePath.join(abs, f)) !== undefined);
  }
}

function within(dir: string, root: string): boolean {
  if (root === nodePath.parse(root).root || dir === root) return true;
  return dir.startsWith(root.endsWith(nodePath.sep) ? root : root + nodePath.sep);
}

/** Each file's bytes decoded once (a run reads a base's file once: lint-roots.ts). */
const decoded = new WeakMap<Uint8Array, ReturnType<typeof decode>>();

/** Text of a file, or a kustomize-error at `at` when it is binary or not UTF-8. */
export function textOf(ctx: Ctx, abs: string, bytes: Uint8Array, at: Loc | undefined): string {
  let d = decoded.get(bytes);
  if (!d) decoded.set(bytes, (d = decode(ctx.display(abs), bytes)));
  if ('finding' in d) throw new KError(`${ctx.display(abs)} cannot be read as YAML: ${d.finding.message}`, at);
  ctx.texts.set(abs, d.text);
  return d.text;
}

/**
 * Parsed documents by file, for the roots of one run that read the same base (every overlay
 * of a base reads its files): the render changes the nodes it gets, so each caller gets a
 * copy (Locs shared, as clone does), and the cached documents are never handed out.
 */
const parsed = new Map<string, { text: string; docs: YNode[]; findings: Finding[] }>();

/** Parse YAML docs of a file, with parse errors as findings plus a kustomize-error at `at`. */
export function parseDocs(ctx: Ctx, abs: string, text: string, at: Loc | undefined): YNode[] {
  const display = ctx.display(abs);
  const key = `${display}\u0000${abs}`;
  const hit = parsed.get(key);
  if (hit && hit.text === text) {
    for (const f of hit.findings) ctx.findings.push(f);
    return hit.docs.map((d) => clone(d));
  }
  const before = ctx.findings.length;
  const docs = parseDocsUncached(ctx, display, text, at);
  if (parsed.size >= 1000) parsed.clear();
  parsed.set(key, { text, docs, findings: ctx.findings.slice(before) });
  return docs.map((d) => clone(d));
}

function parseDocsUncached(ctx: Ctx, display: string, text: string, at: Loc | undefined): YNode[] {
  let sf = parseSource(display, text);
  if (sf.docs.length === 0 && sf.findings.some((f) => f.ruleId === 'unrenderable-template')) {
    // The loader skips files that look like Helm templates; kustomize reads them as YAML
    // (`'{{ .API_KEY }}'` in an ExternalSecret is a plain string). Parse with the braces
    // masked (same length, so Locs hold) and put them back.
    const masked = parseSource(display, text.replace(/\{\{/g, '\uE000\uE001'));
    const templated = masked.docs.some((d) => d.node && unmask(d.node));
    if (!templated && !masked.findings.some((f) => f.ruleId === 'parse-error')) sf = masked;
    else throw new KError(`${display} is a template ({{ … }}), not YAML that kustomize can read; render it first (helm template), or remove it from the kustomization.`, at);
  }
  // Only errors are fatal: the loader's duplicate-key finding is a warning (kustomize reads
  // kustomization files with duplicate keys; duplicates in resources are refused by dupKeys).
  const fatal = sf.findings.filter((f) => f.ruleId === 'parse-error' && f.severity === 'error');
  for (const f of sf.findings) ctx.findings.push(f);
  if (fatal.length) {
    throw new KError(`${display} is not valid YAML (${fatal[0]!.message.replace(/\.$/, '')} at line ${fatal[0]!.loc.line}); kustomize refuses it. Fix the YAML.`, at);
  }
  const out: YNode[] = [];
  for (const d of sf.docs) {
    if (!d.node) continue;
    normalizeScalars(d.node, text);
    out.push(d.node);
  }
  return out;
}

/** Restore masked `{{`; true when one stood where YAML would have read a flow mapping. */
function unmask(n: YNode): boolean {
  let bad = false;
  const fix = (s: string) => s.replace(/\uE000\uE001/g, '{{');
  const walk = (x: YNode): void => {
    if (x.kind === 'map') {
      for (const p of x.items) {
        if (p.key.includes('\uE000')) {
          if (p.key.startsWith('\uE000')) bad = true;
          p.key = fix(p.key);
        }
        walk(p.value);
      }
    } else if (x.kind === 'seq') x.items.forEach(walk);
    else if (typeof x.value === 'string' && x.value.includes('\uE000')) {
      if (x.style === 'plain' && x.value.startsWith('\uE000')) bad = true;
      x.value = fix(x.value);
    }
  };
  walk(n);
  return bad;
}

/**
 * Bring plain scalars to what kyaml (YAML 1.1-flavoured yaml.v3) reads: octal `012`,
 * `1_000`, timestamps; and remember the source text of non-string plain scalars.
 */
export function normalizeScalars(n: YNode, text: string): void {
  if (n.kind === 'map') {
    for (const p of n.items) normalizeScalars(p.value, text);
    return;
  }
  if (n.kind === 'seq') {
    for (const it of n.items) normalizeScalars(it, text);
    return;
  }
  if ((n.style === 'block-literal' || n.style === 'block-folded') && n.loc && typeof n.value === 'string') {
    // A block scalar that runs to the end of a file without a final line break has none
    // (libyaml); the npm yaml parser adds one.
    if (n.loc.end >= text.length && !/[\r\n]$/.test(text) && n.value.endsWith('\n')) n.value = n.value.slice(0, -1);
    return;
  }
  // locSpan: the offsets without making a Loc for every scalar of every resource.
  const span = n.style === 'plain' ? locSpan(n) : undefined;
  if (!span) return;
  const raw = text.slice(span.start, span.end);
  const s = n as RawScalar;
  if (typeof n.value === 'string') {
    const ts = timestamp(raw);
    if (ts !== undefined) {
      s.raw = raw;
      s.value = ts;
    } else if (/^[-+]?0[0-7]+$/.test(raw)) {
      s.raw = raw;
      s.value = parseInt(raw, 8);
    } else if (/^[-+]?[0-9][0-9_]*$/.test(raw) && raw.includes('_')) {
      s.raw = raw;
      s.value = Number(raw.replace(/_/g, ''));
    }
    return;
  }
  if (/^[-+]?0[0-7]+$/.test(raw)) s.value = parseInt(raw, 8);
  if (raw !== String(n.value)) s.raw = raw;
}

/** yaml.v3 timestamps, as Go's time.Time marshals them to JSON (RFC 3339). */
function timestamp(raw: string): string | undefined {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  if (m) return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}T00:00:00Z`;
  m = /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[-+]\d{2}:\d{2})$/.exec(raw);
  if (m) {
    const frac = m[7] ? m[7].replace(/0+$/, '') : '';
    const p = (x: string) => x.padStart(2, '0');
    return `${m[1]}-${p(m[2]!)}-${p(m[3]!)}T${p(m[4]!)}:${p(m[5]!)}:${p(m[6]!)}${frac === '.' ? '' : frac}${m[8]}`;
  }
  return undefined;
}

/** kio.FromBytes + kustomize's dropBadNodes and inlineAnyEmbeddedLists. */
export function resourcesFromDocs(docs: YNode[], at: Loc | undefined, display: string): YMap[] {
  const out: YMap[] = [];
  const queue = [...docs];
  while (queue.length) {
    const n = queue.shift()!;
    if (isMap(n) && n.items.length === 0) continue;
    if (!isMap(n)) {
      if (n.kind === 'scalar' && n.value === null) continue;
      throw new KError(`${display} holds a YAML document that is not a mapping, so it is not a Kubernetes object; remove it.`, at);
    }
    validate(n, at, display);
    const kind = str(get(n, 'kind')) ?? '';
    if (kind.endsWith('List')) {
      const items = get(n, 'items');
      if (items !== undefined) {
        if (items.kind === 'scalar' && items.value === null) continue;
        if (!isSeq(items)) throw new KError(`${display}: ${kind}/items must be a list.`, at);
        queue.unshift(...items.items);
        continue;
      }
    }
    out.push(n);
  }
  return out;
}

function validate(n: YMap, at: Loc | undefined, display: string): void {
  dupKeys(n, display, at);
  const kind = str(get(n, 'kind'));
  if (!kind) throw new KError(`${display}: an object has no kind (line ${n.loc?.line ?? '?'}); every resource needs apiVersion and kind.`, at);
  if (!kind.endsWith('List') && !str(get(n, 'metadata', 'name'))) {
    throw new KError(`${display}: the ${kind} at line ${n.loc?.line ?? '?'} has no metadata.name; kustomize requires one.`, at);
  }
  const nil = nilEntry(n);
  if (nil !== undefined) throw new KError(`${display}: empty list item at ${nil} in the ${kind} at line ${n.loc?.line ?? '?'}; remove the stray '-'.`, at);
}

function dupKeys(n: YNode, display: string, at: Loc | undefined): void {
  if (n.kind === 'map') {
    const its = n.items;
    // Every resource of every overlay passes here: small maps are scanned without a Map, and
    // no key's Loc is made unless it is reported.
    const seen = its.length > 16 ? new Map<string, YPair>() : undefined;
    for (let i = 0; i < its.length; i++) {
      const p = its[i]!;
      let prev: YPair | undefined;
      if (seen) prev = seen.get(p.key);
      else for (let j = 0; j < i && !prev; j++) if (its[j]!.key === p.key) prev = its[j];
      if (prev) {
        throw new KError(`${display}: mapping key "${p.key}" already defined at line ${prev.keyLoc?.line ?? 0} (again at line ${p.keyLoc?.line ?? '?'}); kustomize refuses duplicate keys in resources.`, at);
      }
      seen?.set(p.key, p);
      dupKeys(p.value, display, at);
    }
  } else if (n.kind === 'seq') for (const it of n.items) dupKeys(it, display, at);
}

/** The map keys down to the first null list item ("a/b"), or undefined when there is none. */
function nilEntry(n: YNode, keys: string[] = []): string | undefined {
  if (n.kind === 'map') {
    for (const p of n.items) {
      keys.push(p.key);
      const r = nilEntry(p.value, keys);
      keys.pop();
      if (r !== undefined) return r;
    }
  } else if (n.kind === 'seq') {
    for (const it of n.items) {
      if (it.kind === 'scalar' && it.value === null) return keys.join('/');
      const r = nilEntry(it, keys);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

export function newRes(node: YMap): Res {
  return { node, prevIds: [], prefixes: [], suffixes: [], needsHash: false, behavior: '' };
}
