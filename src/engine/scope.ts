// File scope (SPEC §6, pre-commit): given file names, lint the kustomization roots that include
// them, and report only the findings located in those files.
//
// A base's deployment.yaml means nothing alone: its overlays decide the image, the patches, the
// namespace. So for each given file we find every kustomization that includes it, directly
// (resources, patches, components... naming the file) or through other kustomizations
// (an overlay's `resources: [../../base]`), and lint those; the pipeline renders the roots among
// them. Findings elsewhere (another base the overlay pulls in) are not the committer's business
// and are left out, except a failure to render one of those roots: the change may have broken it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { globbySync } from 'globby';
import { parse as parseYaml } from 'yaml';
import type { Finding } from './finding.js';
import { KUSTOMIZATION_NAMES } from '../load/discover.js';
import { readRegularFile } from '../load/read.js';
import { parseSource } from '../load/source.js';
import { toJS } from '../load/ynode.js';

export interface FileScope {
  /** What to lint: the given files, plus the kustomization file of every kustomization that includes one (absolute). */
  paths: string[];
  /** The given files (absolute). */
  files: Set<string>;
  /**
   * Keeps the findings located in one of the given files, and every render failure
   * (kustomize-error) of a kustomization that includes one, wherever it is located.
   */
  keep: (f: Finding) => boolean;
}

/** The kustomization file of a directory, if it has one. */
export function kustomizationFile(dir: string): string | undefined {
  for (const n of KUSTOMIZATION_NAMES) {
    const p = path.join(dir, n);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const paths = (v: unknown): string[] =>
  Array.isArray(v) ? v.flatMap((x) => (x && typeof x === 'object' && typeof (x as { path?: unknown }).path === 'string' ? [(x as { path: string }).path] : [])) : [];

/**
 * What a kustomization refers to, resolved: `dirs` (other kustomizations: resources, bases,
 * components) and `files` (resources, patches, crds, replacements, generator configs...).
 * Remote references (URLs, `github.com/…?ref=`) and inline patches are skipped.
 */
export function referencesOf(kustFile: string): { dirs: string[]; files: string[] } {
  const out = { dirs: [] as string[], files: [] as string[] };
  let k: Record<string, unknown>;
  try {
    // readRegularFile: a kustomization.yaml that is a FIFO would block readFileSync forever.
    const bytes = readRegularFile(kustFile);
    if (!bytes) return out;
    const text = new TextDecoder().decode(bytes);
    // The loader's fast path when it covers the file (a pre-commit run reads every
    // kustomization of the repository); else the yaml package, errors ignored, as before.
    const sf = text.includes('<<') ? undefined : parseSource(kustFile, text);
    const v = (sf && !sf.findings.length ? toJS(sf.docs[0]?.node) : parseYaml(text, { logLevel: 'silent' })) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
    k = v as Record<string, unknown>;
  } catch {
    return out;
  }
  const dir = path.dirname(kustFile);
  const refs = [
    ...strings(k.resources), ...strings(k.bases), ...strings(k.components),
    ...strings(k.crds), ...strings(k.configurations), ...strings(k.generators), ...strings(k.transformers), ...strings(k.validators),
    ...strings(k.patchesStrategicMerge).filter((p) => !p.includes('\n')),
    ...paths(k.patches), ...paths(k.patchesJson6902), ...paths(k.replacements),
  ];
  const openapi = k.openapi as { path?: unknown } | undefined;
  if (openapi && typeof openapi.path === 'string') refs.push(openapi.path);
  for (const r of refs) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(r) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(r) || r.includes('?ref=')) continue;
    const abs = path.resolve(dir, r);
    if (isDir(abs)) out.dirs.push(abs);
    else if (isFile(abs)) out.files.push(abs);
  }
  return out;
}

/**
 * Could `root` hold a kustomization file that the glob below finds? A plain walk that stops at
 * the first file with a kustomization name (dot folders, node_modules and links skipped, as
 * the glob skips them; a link with such a name counts). When it finds none, neither can the
 * glob, and a pre-commit run in a repository without kustomize skips globby and its
 * .gitignore reading (SPEC §7: one file end to end within 2× a bare node start).
 */
function mayHoldKustomization(root: string): boolean {
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (KUSTOMIZATION_NAMES.includes(e.name) && !e.isDirectory()) return true;
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') stack.push(path.join(dir, e.name));
    }
  }
  return false;
}

/** Every kustomization under `root` (`.gitignore` honoured) and above each given file. */
function kustomizations(root: string, files: string[]): string[] {
  const found = new Set<string>();
  const scanned = !mayHoldKustomization(root) ? [] : globbySync(['**/kustomization.yaml', '**/kustomization.yml', '**/Kustomization'], {
    cwd: root, absolute: true, gitignore: true, ignore: ['**/node_modules/**', '**/.git/**'], suppressErrors: true, followSymbolicLinks: false,
  });
  for (const f of scanned) found.add(path.dirname(path.normalize(f)));
  for (const f of files) {
    for (let dir = path.dirname(f); ; dir = path.dirname(dir)) {
      if (kustomizationFile(dir)) found.add(dir);
      if (path.dirname(dir) === dir) break;
    }
  }
  return [...found];
}

/**
 * For arguments that are all existing files (what pre-commit passes): the paths to lint and the
 * filter to apply to the findings. `undefined` when any argument is a directory, a glob, stdin or
 * missing: then the arguments are linted as they are.
 */
export function scopeToFiles(args: string[], cwd: string): FileScope | undefined {
  if (!args.length || args.includes('-')) return undefined;
  const files = args.map((a) => path.resolve(cwd, a));
  if (!files.every(isFile)) return undefined;
  const given = new Set(files);

  const dirs = kustomizations(cwd, files);
  const refs = new Map(dirs.map((d) => [d, referencesOf(kustomizationFile(d)!)]));

  // Kustomizations that include a given file directly, then everything that includes those.
  const including = new Set<string>();
  for (const [d, r] of refs) {
    if (r.files.some((f) => given.has(f))) including.add(d);
    if (given.has(kustomizationFile(d)!)) including.add(d);
  }
  const queue = [...including];
  while (queue.length) {
    const d = queue.pop()!;
    for (const [k, r] of refs) {
      if (!including.has(k) && r.dirs.includes(d)) {
        including.add(k);
        queue.push(k);
      }
    }
  }

  const lint = new Set(files);
  for (const d of [...including].sort()) lint.add(kustomizationFile(d)!);
  return {
    paths: [...lint],
    files: given,
    // A render failure is located where kustomize stopped (an overlay's patch that no longer
    // finds the base's Deployment the commit renamed), not in the file that caused it; and
    // while a root fails, nothing through it is linted. So it is reported for every root that
    // includes a given file (the roots linted here all do).
    keep: (f) =>
      given.has(path.resolve(cwd, f.loc.file)) ||
      (f.ruleId === 'kustomize-error' && !!f.overlays?.some((o) => including.has(path.resolve(cwd, o)))),
  };
}
