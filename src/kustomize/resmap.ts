// The ordered resource list of a build (kustomize's resWrangler): id conflicts on append,
// generator merge/replace on absorb, and lookups by any (current or previous) id.
import type { Loc, YMap } from '../load/ynode.js';
import { isMap } from '../load/ynode.js';
import type { CompiledSelector } from './selector.js';
import { selects } from './selector.js';
import { ensureMap, field, map, nodeText, rawText, removeField, scalar, setField } from './tree.js';
import type { Res, ResId } from './types.js';
import { allIds, curId, idEquals, idHuman, idKey, idString, KError } from './types.js';

export class ResMap {
  list: Res[] = [];

  append(r: Res, at: Loc | undefined): void {
    const id = curId(r);
    if (this.list.some((o) => idEquals(curId(o), id))) {
      throw new KError(
        `may not add resource with an already registered id: ${idHuman(id)} (${idString(id)}) is included twice; include the base once, or rename one copy (namePrefix/nameSuffix in the overlay that adds it).`,
        at,
      );
    }
    this.list.push(r);
  }

  /** append() for each, with the ids of the list worked out once (not once per append). */
  appendAll(rs: Res[], at: Loc | undefined): void {
    const ids = new Set(this.list.map((o) => idKey(curId(o))));
    for (const r of rs) {
      const key = idKey(curId(r));
      if (ids.has(key)) this.append(r, at); // throws the conflict error
      else {
        ids.add(key);
        this.list.push(r);
      }
    }
  }

  byAnyId(pred: (id: ResId) => boolean): Res[] {
    return this.list.filter((r) => allIds(r).some(pred));
  }

  byCurrentId(pred: (id: ResId) => boolean): Res[] {
    return this.list.filter((r) => pred(curId(r)));
  }

  /** GetById: exactly one resource whose current or previous id equals `id`. */
  getById(id: ResId, at: Loc | undefined, what: string): Res {
    const m = this.byAnyId((x) => idEquals(x, id));
    if (m.length === 1) return m[0]!;
    if (m.length > 1) {
      throw new KError(`${what} ${idHuman(id)} matches ${m.length} resources (${m.map((r) => idHuman(curId(r))).join(', ')}); add metadata.namespace to the patch, or use a patch target.`, at);
    }
    throw new KError(`${what} ${idHuman(id)} matches no resource; kustomize fails on it. Check its apiVersion, kind, name and namespace against the resources (names before any prefix/suffix).`, at);
  }

  select(c: CompiledSelector): Res[] {
    return this.list.filter((r) => selects(c, r));
  }

  dropEmpties(): void {
    this.list = this.list.filter((r) => !r.deleted);
  }

  /** appendReplaceOrMerge, for generated resources. */
  absorb(r: Res, at: Loc | undefined): void {
    const id = curId(r);
    const matches = this.byAnyId((x) => idEquals(x, id));
    if (matches.length === 0) {
      if (r.behavior === 'merge' || r.behavior === 'replace') {
        throw new KError(`generator behavior '${r.behavior}' needs an existing ${idHuman(id)} to ${r.behavior}, and there is none; use behavior create, or fix the name/namespace.`, at);
      }
      this.append(r, at);
      return;
    }
    if (matches.length > 1) {
      throw new KError(`found ${matches.length} objects that could accept a merge of ${idHuman(id)}; set the generator's namespace.`, at);
    }
    const old = matches[0]!;
    if (r.behavior !== 'merge' && r.behavior !== 'replace') {
      throw new KError(`${idHuman(id)} already exists (from a base or an earlier generator); set behavior: merge or behavior: replace on this generator, or give it another name.`, at);
    }
    copyMergeMetaData(r, old);
    if (r.behavior === 'merge') {
      mergeDataField(r.node, old.node, 'data');
      mergeDataField(r.node, old.node, 'binaryData');
    }
    const i = this.list.indexOf(old);
    this.list[i] = r;
  }
}

/** Resource.CopyMergeMetaDataFieldsFrom(other): labels/annotations merged, name/ns/build info from `old`. */
export function copyMergeMetaData(r: Res, old: Res): void {
  const meta = ensureMap(r.node, 'metadata');
  const oldMeta = field(old.node, 'metadata')?.value;
  for (const key of ['labels', 'annotations'] as const) {
    const merged = mergeMaps(isMap(oldMeta) ? field(oldMeta, key)?.value : undefined, field(meta, key)?.value);
    if (merged.items.length) setField(meta, key, merged);
    else removeField(meta, key);
  }
  const oldName = isMap(oldMeta) ? field(oldMeta, 'name') : undefined;
  if (oldName) setField(meta, 'name', oldName.value, oldName.keyLoc);
  const oldNs = isMap(oldMeta) ? field(oldMeta, 'namespace') : undefined;
  if (oldNs) setField(meta, 'namespace', oldNs.value, oldNs.keyLoc);
  else removeField(meta, 'namespace');
  r.prevIds = [...old.prevIds];
  r.prefixes = [...old.prefixes];
  r.suffixes = [...old.suffixes];
  r.needsHash = r.needsHash && old.needsHash;
}

/** mergeStringMaps(old, new): keys sorted, new values win. Values keep their nodes. */
function mergeMaps(oldM: unknown, newM: unknown, text: (n: import('../load/ynode.js').YNode) => string = nodeText): YMap {
  const all = new Map<string, { keyLoc?: Loc; value: import('../load/ynode.js').YNode }>();
  for (const m of [oldM, newM]) {
    if (!isMap(m as never)) continue;
    for (const p of (m as YMap).items) all.set(p.key, { keyLoc: p.keyLoc, value: scalar(text(p.value), p.value.loc) });
  }
  const out = map((newM as YMap | undefined)?.loc ?? (oldM as YMap | undefined)?.loc);
  for (const k of [...all.keys()].sort()) out.items.push({ key: k, ...all.get(k)! });
  return out;
}

function mergeDataField(node: YMap, oldNode: YMap, key: string): void {
  const merged = mergeMaps(field(oldNode, key)?.value, field(node, key)?.value, rawText);
  if (merged.items.length) setField(node, key, merged);
  else removeField(node, key);
}
