// Rendering one kustomization root in-process, in kustomize v5.5's order (KustTarget):
// resources (files and nested kustomizations), generators, components, then the builtin
// transformers; at the root, name hashes, name references, local-config removal and the
// output order. Every node of the result keeps the Loc of the value it came from.
import * as nodePath from 'node:path';
import type { Finding } from '../engine/finding.js';
import type { Loc, YMap } from '../load/ynode.js';
import { isMap } from '../load/ynode.js';
import { generate } from './generators.js';
import { kustomizeHash } from './hash.js';
import type { Kustomization } from './kustfile.js';
import { readKustomization } from './kustfile.js';
import type { RenderOptions } from './load.js';
import { Ctx, Loader, newRes, parseDocs, resourcesFromDocs, textOf } from './load.js';
import { fixNameReferences } from './namereference.js';
import { applySortOptions } from './order.js';
import { patches, patchesJson6902, patchesStrategicMerge } from './patches.js';
import { applyReplacements, loadReplacements } from './replacements.js';
import { ResMap } from './resmap.js';
import { field, fieldValue, nodeText, rawText, removeField, scalar, setField } from './tree.js';
import {
  annotationsTransform, commonLabelsTransform, imagesTransform, labelsTransform, namespaceTransform, prefixSuffixTransform, replicasTransform,
} from './transformers.js';
import { KError, storePreviousId } from './types.js';

export type { RenderOptions } from './load.js';

export interface RenderResult {
  resources: YMap[];
  findings: Finding[];
  /** Absolute paths of every file read. */
  files: Set<string>;
}

/** Render the kustomization in `rootDir`. Never throws: failures are `kustomize-error` findings. */
export function render(rootDir: string, opts: RenderOptions): RenderResult {
  const ctx = new Ctx(opts);
  const rootAbs = nodePath.resolve(rootDir);
  try {
    const root = new Loader(ctx, ctx.real(rootAbs));
    const k = readKustomization(root, undefined);
    const rm = accumulateTarget(root, k, new ResMap());
    // KustTarget.makeCustomizedResMap: done once, at the root.
    for (const r of rm.list) {
      if (!r.needsHash) continue;
      const h = kustomizeHash(r.node);
      storePreviousId(r);
      const meta = fieldValue(r.node, 'metadata') as YMap;
      const np = field(meta, 'name')!;
      np.value = scalar(`${rawText(np.value)}-${h}`, np.value.loc);
    }
    rm.invalidate();
    guard(() => fixNameReferences(rm), undefined);
    rm.list = rm.list.filter((r) => {
      const a = fieldValue(fieldValue(r.node, 'metadata'), 'annotations');
      const v = field(a, 'config.kubernetes.io/local-config');
      return !v || rawText(v.value) === 'false';
    });
    const sorted = guard(() => applySortOptions(rm.list, k.sortOptions, k.sortOptionsLoc), k.sortOptionsLoc);
    for (const r of sorted) normalizeAnnotations(r.node);
    return { resources: sorted.map((r) => r.node), findings: ctx.findings, files: ctx.files };
  } catch (e) {
    const loc = e instanceof KError && e.loc ? e.loc : rootLoc(ctx, rootAbs);
    const message = e instanceof KError ? e.message : `internal error while rendering ${ctx.display(rootAbs)}: ${(e as Error)?.message ?? e}; use --kustomize=kubectl to render with kubectl.`;
    ctx.findings.push({ ruleId: 'kustomize-error', severity: 'error', message, loc });
    return { resources: [], findings: ctx.findings, files: ctx.files };
  }
}

function rootLoc(ctx: Ctx, rootAbs: string): Loc {
  const f = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((n) => nodePath.join(rootAbs, n)).find((p) => ctx.files.has(p));
  return { file: ctx.display(f ?? rootAbs), start: 0, end: 0, line: 1, col: 1, endLine: 1, endCol: 1 };
}

/** Run `f`, giving errors without a location the location `at`. */
function guard<T>(f: () => T, at: Loc | undefined): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof KError && !e.loc && at) throw new KError(e.message, at);
    throw e;
  }
}

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|git::|gh:|(?:github\.com|gitlab\.com|bitbucket\.org)\/)|\?ref=|\/\/.*\?/i;

export function isRemote(s: string): boolean {
  return REMOTE.test(s);
}

function accumulateTarget(ldr: Loader, k: Kustomization, ra: ResMap): ResMap {
  accumulateResources(ldr, k, ra);
  ra.absorbEach([...k.configMapGenerator, ...k.secretGenerator], (g) => guard(() => generate(ldr, k, g), g.loc), (g) => g.loc);
  for (const c of k.components) {
    if (isRemote(c.value)) {
      if (c.loc) ldr.ctx.warn('kustomize-unsupported', c.loc, `remote component '${c.value}' is not fetched by medialint (no network); the rest is rendered without it. Use --kustomize=kubectl to render it.`);
      continue;
    }
    const abs = nodePath.resolve(ldr.root, c.value);
    if (ldr.ctx.probe(abs)) throw new KError(`components must be directories holding a kind: Component kustomization, and '${c.value}' is a file; move it into a component directory or list it under resources.`, c.loc);
    const child = ldr.child(c.value, c.loc);
    const ck = readKustomization(child, c.loc);
    if (ck.kind !== 'Component') {
      throw new KError(`'${c.value}' is listed under components but ${ck.display} is a ${ck.kind}; components need kind: Component (apiVersion kustomize.config.k8s.io/v1alpha1). List it under resources instead.`, c.loc);
    }
    accumulateTarget(child, ck, ra);
  }
  runTransformers(ldr, k, ra);
  return ra;
}

function accumulateResources(ldr: Loader, k: Kustomization, ra: ResMap): void {
  for (const e of k.resources) {
    if (isRemote(e.value)) {
      if (e.loc) ldr.ctx.warn('kustomize-unsupported', e.loc, `remote resource '${e.value}' is not fetched by medialint (no network); the rest is rendered without it. Use --kustomize=kubectl to render it.`);
      continue;
    }
    const abs = nodePath.resolve(ldr.root, e.value);
    if (nodePath.isAbsolute(e.value) && !ldr.hasKustomization(e.value) && !ldr.ctx.probe(abs)) {
      throw new KError(`resource '${e.value}' is an absolute path that does not exist; use a path relative to the kustomization.`, e.loc);
    }
    const bytes = ldr.ctx.probe(abs);
    if (bytes) {
      ldr.checkRestriction(abs, e.value, e.loc, 'resource');
      const docs = parseDocs(ldr.ctx, abs, textOf(ldr.ctx, abs, bytes, e.loc), e.loc);
      const nodes = resourcesFromDocs(docs, e.loc, ldr.ctx.display(abs));
      ra.appendAll(nodes.map(newRes), e.loc);
      continue;
    }
    if (ldr.hasKustomization(e.value)) {
      const child = ldr.child(e.value, e.loc);
      const ck = readKustomization(child, e.loc);
      if (ck.kind === 'Component') {
        throw new KError(`'${e.value}' is a Component (${ck.display}); list it under components, not resources.`, e.loc);
      }
      const sub = accumulateTarget(child, ck, new ResMap());
      ra.appendAll(sub.list, e.loc);
      continue;
    }
    if (ldr.ctx.isDir(abs)) {
      throw new KError(`resource '${e.value}' is a directory without a kustomization.yaml; add one there, or list its files instead.`, e.loc);
    }
    throw new KError(`resource '${e.value}' was not found (${ldr.ctx.display(abs)} is neither a file nor a directory with a kustomization); fix the path.`, e.loc);
  }
}

function runTransformers(ldr: Loader, k: Kustomization, ra: ResMap): void {
  // `keepsNames`: the step renames nothing, or edits through ra.editInPlace (the patches): the name
  // index of `ra` stays valid. After any other step it is built again on the next lookup.
  const step = (f: () => void, at: Loc | undefined, keepsNames = false) => {
    guard(f, at);
    ra.dropEmpties();
    if (!keepsNames) ra.invalidate();
  };
  step(() => patchesStrategicMerge(ldr, k, ra), k.patchesStrategicMerge[0]?.loc, true);
  for (const p of k.patches) step(() => patches(ldr, k, ra, p), p.loc, true);
  if (k.namespace) step(() => namespaceTransform(ra, k.namespace!), k.namespace.loc); // renames Namespace objects
  if (k.namePrefix) step(() => prefixSuffixTransform(ra, k.namePrefix!, 'prefix'), k.namePrefix.loc);
  if (k.nameSuffix) step(() => prefixSuffixTransform(ra, k.nameSuffix!, 'suffix'), k.nameSuffix.loc);
  for (const l of k.labels) step(() => labelsTransform(ra, l), l.loc, true);
  step(() => commonLabelsTransform(ra, k), k.commonLabelsLoc, true);
  step(() => annotationsTransform(ra, k), k.commonAnnotationsLoc, true);
  for (const p of k.patchesJson6902) step(() => patchesJson6902(ldr, ra, p), p.loc, true);
  for (const r of k.replicas) step(() => replicasTransform(ra, r), r.loc, true);
  for (const i of k.images) step(() => imagesTransform(ra, i), i.loc, true);
  if (k.replacements.length) {
    const reps = loadReplacements(ldr, k);
    step(() => applyReplacements(ra, reps), k.replacements[0]!.loc);
  }
}

/**
 * kustomize rewrites metadata.annotations when it strips its build annotations: an empty map
 * disappears and every value becomes a string (as written).
 */
function normalizeAnnotations(node: YMap): void {
  const meta = fieldValue(node, 'metadata');
  if (!isMap(meta)) return;
  const p = field(meta, 'annotations');
  if (!p) return;
  if (!isMap(p.value) || p.value.items.length === 0) {
    removeField(meta, 'annotations');
    return;
  }
  for (const a of p.value.items) {
    if (a.value.kind === 'scalar' && typeof a.value.value === 'string') continue;
    a.value = scalar(nodeText(a.value), a.value.loc);
  }
  setField(meta, 'annotations', p.value, p.keyLoc);
}
