// The builtin field transformers: namespace, namePrefix/nameSuffix, labels/commonLabels,
// commonAnnotations, replicas, images. Each value they write carries the Loc of the
// kustomization field that asked for it.
import type { Loc, YMap, YNode } from '../load/ynode.js';
import { isMap, isScalar, isSeq } from '../load/ynode.js';
import type { FieldSpec } from './fieldspec.js';
import { applyFieldSpec, COMMON_ANNOTATIONS, COMMON_LABELS, IMAGES, mergeSpecs, NAMESPACE, REPLICAS, TEMPLATE_LABELS } from './fieldspec.js';
import type { ImageArg, Kustomization, LabelArg, ReplicaArg, Str, StrPair } from './kustfile.js';
import type { ResMap } from './resmap.js';
import { field, fieldValue, map, rawText, scalar, setField } from './tree.js';
import { curId, gvkOfNode, gvkSelected, idKey, isClusterScoped, KError, orgId, storePreviousId } from './types.js';

// ---- namespace ---------------------------------------------------------------------------

export function namespaceTransform(rm: ResMap, ns: Str): void {
  // How many resources have each current id: a resource's own transform changes only its
  // own id, so the count is kept up to date instead of recounted for every resource.
  const count = new Map<string, number>();
  const bump = (k: string, by: number) => count.set(k, (count.get(k) ?? 0) + by);
  for (const r of rm.list) bump(idKey(curId(r)), 1);
  for (const r of rm.list) {
    bump(idKey(curId(r)), -1);
    storePreviousId(r);
    const node = r.node;
    const g = gvkOfNode(node);
    const av = rawText(fieldValue(node, 'apiVersion'));
    let specs = NAMESPACE.filter((fs) => fs.path !== 'metadata/namespace' && !(av !== 'v1' && fs.path === 'metadata/name'));
    const set = (slot: { node: YNode; replace(n: YNode): void }) => slot.replace(scalar(ns.value, ns.loc));
    if (!isClusterScoped(g)) {
      const meta = ensureMeta(node, ns.loc);
      setField(meta, 'namespace', scalar(ns.value, ns.loc), ns.loc);
    }
    if (g.kind === 'RoleBinding' || g.kind === 'ClusterRoleBinding') {
      specs = specs.filter((fs) => !((fs.kind === 'RoleBinding' || fs.kind === 'ClusterRoleBinding') && fs.path === 'subjects/namespace'));
      const subjects = fieldValue(node, 'subjects');
      if (isSeq(subjects)) {
        for (const s of subjects.items) {
          if (!isMap(s)) continue;
          if (rawText(fieldValue(s, 'name')) === 'default') setField(s, 'namespace', scalar(ns.value, ns.loc), ns.loc);
        }
      }
    }
    for (const fs of specs) applyFieldSpec(node, fs, set, 'scalar', ns.loc);
    const id = curId(r);
    const key = idKey(id);
    bump(key, 1);
    if (count.get(key) !== 1) {
      throw new KError(`namespace '${ns.value}' makes two resources identical (${id.kind}/${id.name}); rename one of them.`, ns.loc);
    }
  }
}

function ensureMeta(node: YMap, loc?: Loc): YMap {
  const p = field(node, 'metadata');
  if (p && isMap(p.value)) return p.value;
  const m = map(loc);
  setField(node, 'metadata', m, loc);
  return m;
}

// ---- namePrefix / nameSuffix -------------------------------------------------------------

const SKIP_RENAME = [{ kind: 'CustomResourceDefinition' }, { group: 'apiregistration.k8s.io', kind: 'APIService' }, { kind: 'Namespace' }];

export function prefixSuffixTransform(rm: ResMap, value: Str, which: 'prefix' | 'suffix'): void {
  for (const r of rm.list) {
    const id = orgId(r);
    if (SKIP_RENAME.some((s) => gvkSelected(id, s))) continue;
    (which === 'prefix' ? r.prefixes : r.suffixes).push(value.value);
    storePreviousId(r);
    const nameNode = fieldValue(fieldValue(r.node, 'metadata'), 'name');
    const old = rawText(nameNode);
    const meta = ensureMeta(r.node, value.loc);
    const newName = which === 'prefix' ? value.value + old : old + value.value;
    setField(meta, 'name', scalar(newName, value.loc), value.loc);
  }
}

// ---- labels and annotations --------------------------------------------------------------

function setEntries(rm: ResMap, pairs: StrPair[], specs: FieldSpec[], createLoc: Loc | undefined): void {
  const sorted = [...pairs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const r of rm.list) {
    for (const p of sorted) {
      for (const fs of specs) {
        applyFieldSpec(r.node, fs, (slot) => {
          if (isScalar(slot.node) && slot.node.value === null) return;
          if (!isMap(slot.node)) throw new KError(`cannot set label/annotation '${p.key}' at '${fs.path}': it is not a mapping.`, p.keyLoc);
          setField(slot.node, p.key, scalar(p.value, p.loc ?? createLoc), p.keyLoc ?? createLoc);
        }, 'map', createLoc);
      }
    }
  }
}

export function labelsTransform(rm: ResMap, l: LabelArg): void {
  if (!l.pairs.length) return;
  let specs: FieldSpec[] = l.fields.map((f) => ({ ...f }));
  if (l.includeSelectors) specs = mergeSpecs(specs, COMMON_LABELS);
  else {
    if (l.includeTemplates) specs = mergeSpecs(specs, TEMPLATE_LABELS);
    specs = mergeSpecs(specs, [{ path: 'metadata/labels', create: true }]);
  }
  setEntries(rm, l.pairs, specs, l.loc);
}

export function commonLabelsTransform(rm: ResMap, k: Kustomization): void {
  if (!k.commonLabels.length) return;
  setEntries(rm, k.commonLabels, COMMON_LABELS, k.commonLabelsLoc);
}

export function annotationsTransform(rm: ResMap, k: Kustomization): void {
  if (!k.commonAnnotations.length) return;
  setEntries(rm, k.commonAnnotations, COMMON_ANNOTATIONS, k.commonAnnotationsLoc);
}

// ---- replicas ----------------------------------------------------------------------------

export function replicasTransform(rm: ResMap, rep: ReplicaArg): void {
  let found = false;
  for (const fs of REPLICAS) {
    const list = rm.byAnyIdNamed(rep.name, (id) => id.name === rep.name && gvkSelected(id, fs));
    if (!list.length) continue;
    found = true;
    for (const r of list) {
      applyFieldSpec(r.node, fs, (slot) => slot.replace(scalar(rep.count, rep.countNode?.loc ?? rep.loc)), 'scalar', rep.countNode?.loc ?? rep.loc);
    }
  }
  if (!found) {
    throw new KError(`replicas: no Deployment, ReplicationController, ReplicaSet or StatefulSet is named '${rep.name}'; kustomize fails on it. Fix the name.`, rep.loc);
  }
}

// ---- images ------------------------------------------------------------------------------

function imageMatcher(name: string, at: Loc | undefined): RegExp {
  try {
    return new RegExp('^' + name + '(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$');
  } catch {
    throw new KError(`images: '${name}' is not a valid image name (kustomize reads it as a regular expression and crashes); fix the name.`, at);
  }
}

/** kustomize internal/image.Split. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let search = image;
  let slash = image.indexOf('/');
  if (slash > 0) search = image.slice(slash);
  else slash = 0;
  let id = search.indexOf('@');
  let ic = search.indexOf(':');
  if (ic < 0 && id < 0) return { name: image, tag: '', digest: '' };
  if (id >= 0 && (id < ic || ic < 0)) {
    id += slash;
    return { name: image.slice(0, id), tag: '', digest: image.slice(id + 1) };
  }
  if (id >= 0 && ic >= 0) {
    id += slash;
    ic += slash;
    return { name: image.slice(0, ic), tag: image.slice(ic + 1, id), digest: image.slice(id + 1) };
  }
  ic += slash;
  return { name: image.slice(0, ic), tag: image.slice(ic + 1), digest: '' };
}

function updateImage(n: YNode, img: ImageArg, re: RegExp, replace: (v: YNode) => void): void {
  if (!isScalar(n)) return;
  const value = rawText(n);
  if (!re.test(value)) return;
  let { name, tag, digest } = splitImage(value);
  if (img.newName) name = img.newName.value;
  if (img.newTag && img.digest) {
    tag = img.newTag.value;
    digest = img.digest.value;
  } else if (img.newTag) {
    tag = img.newTag.value;
    digest = '';
  } else if (img.digest) {
    tag = '';
    digest = img.digest.value;
  } else if (img.tagSuffix) {
    tag += img.tagSuffix.value;
    digest = '';
  }
  let out = name;
  if (tag) out += ':' + tag;
  if (digest) out += '@' + digest;
  const loc = (img.newTag ?? img.digest ?? img.newName ?? img.tagSuffix)?.loc ?? img.loc;
  replace(out === value ? n : scalar(out, loc));
}

export function imagesTransform(rm: ResMap, img: ImageArg): void {
  const re = imageMatcher(img.name, img.loc);
  for (const r of rm.list) {
    if (rawText(fieldValue(r.node, 'kind')) === 'CustomResourceDefinition') continue;
    legacyWalk(r.node, img, re);
    for (const fs of IMAGES) applyFieldSpec(r.node, { ...fs, create: false }, (slot) => updateImage(slot.node, img, re, slot.replace));
  }
}

/** The legacy image filter: every `containers`/`initContainers` list anywhere in the object. */
function legacyWalk(n: YNode, img: ImageArg, re: RegExp): void {
  if (isMap(n)) {
    for (const p of n.items) {
      legacyWalk(p.value, img, re);
      if ((p.key === 'containers' || p.key === 'initContainers') && isSeq(p.value)) {
        for (const c of p.value.items) {
          if (!isMap(c)) continue;
          const ip = field(c, 'image');
          if (ip) updateImage(ip.value, img, re, (v) => (ip.value = v));
        }
      }
    }
  } else if (isSeq(n)) for (const it of n.items) legacyWalk(it, img, re);
}

