// configMapGenerator / secretGenerator (kustomize api/kv and api/internal/generators): key/value
// pairs from env files, literals and files (in that order), validated keys, base64 for
// Secrets and binary ConfigMap data. Every generated node carries the Loc of the kustomization
// entry (or env file line) it came from.
import type { Loc, YMap, YNode } from '../load/ynode.js';
import { lineStartsOf, makeLoc } from '../load/source.js';
import type { GeneratorArg, GenOptionsArg, Kustomization, Str, StrPair } from './kustfile.js';
import type { Loader } from './load.js';
import { newRes } from './load.js';
import { map, scalar } from './tree.js';
import type { Behavior, Res } from './types.js';
import { KError } from './types.js';

interface Pair {
  key: string;
  value: string;
  /** Bytes for file sources (a Secret encodes them as they are). */
  bytes?: Uint8Array;
  loc?: Loc;
}

/** types.MergeGlobalOptionsIntoLocal. */
export function mergeOptions(local: GenOptionsArg | undefined, global: GenOptionsArg | undefined): GenOptionsArg | undefined {
  if (!global) return local;
  const out: GenOptionsArg = local
    ? { labels: [...local.labels], annotations: [...local.annotations], disableNameSuffixHash: local.disableNameSuffixHash, immutable: local.immutable }
    : { labels: [], annotations: [], disableNameSuffixHash: false, immutable: false };
  for (const [dst, src] of [[out.labels, global.labels], [out.annotations, global.annotations]] as [StrPair[], StrPair[]][]) {
    for (const p of src) if (!dst.some((d) => d.key === p.key)) dst.push(p);
  }
  if (global.disableNameSuffixHash) out.disableNameSuffixHash = true;
  if (global.immutable) out.immutable = true;
  return out;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CM_KEY = /^[-._a-zA-Z0-9]+$/;

function envPairs(ldr: Loader, src: Str): Pair[] {
  const { abs, bytes } = ldr.load(src.value, src.loc, 'env file');
  const text = new TextDecoder('utf-8').decode(bytes);
  const display = ldr.ctx.display(abs);
  const starts = lineStartsOf(text);
  const out: Pair[] = [];
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((rawLine, i) => {
    let line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (i === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    line = line.replace(/^\s+/u, '');
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq >= 0 ? line.slice(0, eq) : line;
    const loc = makeLoc(display, starts, starts[i]!, starts[i]! + rawLine.length);
    if (!ENV_NAME.test(key)) {
      throw new KError(`${display} line ${i + 1}: '${key}' is not a valid environment variable name (letters, digits, '_', '-', '.'; not starting with a digit).`, src.loc);
    }
    out.push({ key, value: eq >= 0 ? line.slice(eq + 1) : '', loc });
  });
  return out;
}

function removeQuotes(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s;
  if (s[0] === '"' || s[0] === "'") return s.slice(1, -1);
  return s;
}

function literalPair(src: Str): Pair {
  const s = src.value;
  const eq = s.indexOf('=');
  if (eq <= 0) throw new KError(`invalid literal source '${s}': expected key=value.`, src.loc);
  return { key: s.slice(0, eq), value: removeQuotes(s.slice(eq + 1)), loc: src.loc };
}

function filePair(ldr: Loader, src: Str): Pair {
  const s = src.value;
  const n = (s.match(/=/g) ?? []).length;
  let key: string;
  let path: string;
  if (n === 0) {
    path = s;
    key = s.split('/').pop()!;
  } else if (n === 1 && s.startsWith('=')) throw new KError(`missing key name for file path '${s.slice(1)}' in source '${s}'.`, src.loc);
  else if (n === 1 && s.endsWith('=')) throw new KError(`missing file path for key name '${s.slice(0, -1)}' in source '${s}'.`, src.loc);
  else if (n > 1) throw new KError(`source '${s}': the key name or file path contains '='.`, src.loc);
  else [key, path] = s.split('=') as [string, string];
  const { bytes } = ldr.load(path, src.loc, 'generator file');
  let value: string;
  let valid = true;
  try {
    value = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    valid = false;
    value = '';
  }
  return { key, value, bytes: valid ? undefined : bytes, loc: src.loc };
}

/** kyaml encodeBase64: 70-character lines, each ending in a newline when there are several. */
export function encodeBase64(bytes: Uint8Array): string {
  const enc = Buffer.from(bytes).toString('base64');
  if (enc.length < 70) return enc;
  let out = '';
  for (let i = 0; i < enc.length; i += 70) out += enc.slice(i, i + 70) + '\n';
  return out;
}

function setPair(m: YMap, key: string, value: YNode, loc?: Loc): void {
  const i = m.items.findIndex((p) => p.key === key);
  if (i >= 0) m.items[i] = { key, keyLoc: loc, value };
  else m.items.push({ key, keyLoc: loc, value });
}

/** Build the ConfigMap or Secret one generator entry describes. */
export function generate(ldr: Loader, k: Kustomization, arg: GeneratorArg): Res {
  const opts = mergeOptions(arg.options, k.generatorOptions);
  const pairs: Pair[] = [];
  for (const e of arg.envs) pairs.push(...envPairs(ldr, e));
  for (const l of arg.literals) pairs.push(literalPair(l));
  for (const f of arg.files) pairs.push(filePair(ldr, f));
  const seen = new Set<string>();
  for (const p of pairs) {
    if (!CM_KEY.test(p.key) || p.key.length > 253 || p.key === '.' || p.key === '..') {
      throw new KError(`'${p.key}' is not a valid ${arg.kind} key (letters, digits, '-', '_' or '.').`, p.loc ?? arg.loc);
    }
    if (seen.has(p.key)) throw new KError(`${arg.kind.toLowerCase()} ${arg.name.value} illegally repeats the key \`${p.key}\`; keep one.`, p.loc ?? arg.loc);
    seen.add(p.key);
  }
  const loc = arg.loc;
  const node = map(loc);
  node.items.push({ key: 'apiVersion', keyLoc: loc, value: scalar('v1', loc) }, { key: 'kind', keyLoc: loc, value: scalar(arg.kind, loc) });
  const meta = map(loc);
  node.items.push({ key: 'metadata', keyLoc: loc, value: meta });
  meta.items.push({ key: 'name', keyLoc: arg.name.loc, value: scalar(arg.name.value, arg.name.loc) });
  if (arg.namespace) meta.items.push({ key: 'namespace', keyLoc: arg.namespace.loc, value: scalar(arg.namespace.value, arg.namespace.loc) });
  const sorted = [...pairs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (arg.kind === 'ConfigMap') {
    for (const p of sorted) {
      const fieldName = p.bytes ? 'binaryData' : 'data';
      let m = node.items.find((x) => x.key === fieldName)?.value as YMap | undefined;
      if (!m) {
        m = map(loc);
        node.items.push({ key: fieldName, keyLoc: loc, value: m });
      }
      setPair(m, p.key, scalar(p.bytes ? encodeBase64(p.bytes) : p.value, p.loc), p.loc);
    }
  } else {
    node.items.push({ key: 'type', keyLoc: arg.type?.loc ?? loc, value: scalar(arg.type?.value || 'Opaque', arg.type?.loc ?? loc) });
    const data = map(loc);
    node.items.push({ key: 'data', keyLoc: loc, value: data });
    for (const p of sorted) setPair(data, p.key, scalar(encodeBase64(p.bytes ?? Buffer.from(p.value, 'utf8')), p.loc), p.loc);
  }
  if (opts) {
    for (const [field, list] of [['labels', opts.labels], ['annotations', opts.annotations]] as ['labels' | 'annotations', StrPair[]][]) {
      if (!list.length) continue;
      const m = map(loc);
      meta.items.push({ key: field, keyLoc: loc, value: m });
      for (const p of [...list].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) m.items.push({ key: p.key, keyLoc: p.keyLoc, value: scalar(p.value, p.loc) });
    }
    if (opts.immutable) node.items.push({ key: 'immutable', keyLoc: loc, value: scalar(true, loc) });
  }
  const r = newRes(node);
  r.needsHash = !opts?.disableNameSuffixHash;
  const b = arg.behavior;
  r.behavior = (b === 'create' || b === 'merge' || b === 'replace' ? b : '') as Behavior;
  return r;
}
