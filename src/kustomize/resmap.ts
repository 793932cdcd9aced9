// The ordered resource list of a build (kustomize's resWrangler): id conflicts on append,
// generator merge/replace on absorb, and lookups by any (current or previous) id.
// Nothing here compares every resource with every other: appends check a set of ids, the
// generators an index of every id, and lookups by id or by a literal patch-target name go
// through an index by name. That index is only a pre-filter (each hit is checked exactly), but
// it must not miss a name: whatever renames a resource in place calls invalidate() (render.ts
// after each renaming transformer step) or edits it through editInPlace() (patches.ts).
import type { Loc, YMap } from '../load/ynode.js';
import { isMap } from '../load/ynode.js';
import type { CompiledSelector } from './selector.js';
import { selects } from './selector.js';
import { ensureMap, field, map, nodeText, rawText, removeField, scalar, setField } from './tree.js';
import type { Res, ResId } from './types.js';
import { allIds, curId, idEquals, idHuman, idKey, idString, KError, nameOf } from './types.js';

export class ResMap {
  private items: Res[] = [];
  /**
   * Every resource under each name it has or had (current and previous ids), in list order:
   * a superset filter for lookups by id, which still check the id exactly. Built on first
   * use; dropped when the list is replaced, and by invalidate() when names may have changed.
   */
  private names: Map<string, Res[]> | undefined;

  get list(): Res[] {
    return this.items;
  }

  set list(v: Res[]) {
    this.items = v;
    this.names = undefined;
  }

  /** Forget the name index (a step renamed resources in place). */
  invalidate(): void {
    this.names = undefined;
  }

  /** Runs `edit`, which changes `r` in place, and forgets the name index if it renamed `r`. */
  editInPlace<T>(r: Res, edit: () => T): T {
    const name = nameOf(r.node);
    try {
      return edit();
    } finally {
      if (nameOf(r.node) !== name) this.names = undefined;
    }
  }

  private push(r: Res): void {
    this.items.push(r);
    if (this.names) indexNames(this.names, r);
  }

  /** Resources that have or had `name` (a superset of the matches of any id with that name). */
  private named(name: string): Res[] {
    if (!this.names) {
      this.names = new Map();
      for (const r of this.items) indexNames(this.names, r);
    }
    return this.names.get(name) ?? [];
  }

  append(r: Res, at: Loc | undefined): void {
    const id = curId(r);
    if (this.items.some((o) => idEquals(curId(o), id))) throw conflict(id, at);
    this.push(r);
  }

  /** append() for each, with the ids of the list worked out once (not once per append). */
  appendAll(rs: Res[], at: Loc | undefined): void {
    const ids = new Set(this.items.map((o) => idKey(curId(o))));
    for (const r of rs) {
      const id = curId(r);
      const key = idKey(id);
      if (ids.has(key)) throw conflict(id, at);
      ids.add(key);
      this.push(r);
    }
  }

  byAnyId(pred: (id: ResId) => boolean): Res[] {
    return this.items.filter((r) => allIds(r).some(pred));
  }

  /** byAnyId(pred) for a predicate that only holds for ids named `name`, through the name index. */
  byAnyIdNamed(name: string, pred: (id: ResId) => boolean): Res[] {
    return this.named(name).filter((r) => allIds(r).some(pred));
  }

  byCurrentId(pred: (id: ResId) => boolean): Res[] {
    return this.items.filter((r) => pred(curId(r)));
  }

  /** GetById: exactly one resource whose current or previous id equals `id`. */
  getById(id: ResId, at: Loc | undefined, what: string): Res {
    const m = this.byAnyIdNamed(id.name, (x) => idEquals(x, id));
    if (m.length === 1) return m[0]!;
    if (m.length > 1) {
      throw new KError(`${what} ${idHuman(id)} matches ${m.length} resources (${m.map((r) => idHuman(curId(r))).join(', ')}); add metadata.namespace to the patch, or use a patch target.`, at);
    }
    throw new KError(`${what} ${idHuman(id)} matches no resource; kustomize fails on it. Check its apiVersion, kind, name and namespace against the resources (names before any prefix/suffix).`, at);
  }

  select(c: CompiledSelector): Res[] {
    // A target name without regex syntax matches only resources with that current or
    // original name: look those up instead of trying every resource.
    const name = c.arg.name;
    if (name && /^[A-Za-z0-9_:-]+$/.test(name)) return this.named(name).filter((r) => selects(c, r));
    return this.items.filter((r) => selects(c, r));
  }

  dropEmpties(): void {
    if (this.items.some((r) => r.deleted)) this.list = this.items.filter((r) => !r.deleted);
  }

  /**
   * absorb() for each generator, one at a time (`make` may throw, in order), with the ids of
   * the list indexed once instead of searched for every generated resource.
   */
  absorbEach<T>(gens: readonly T[], make: (g: T) => Res, at: (g: T) => Loc | undefined): void {
    if (!gens.length) return;
    const ix = new AnyIdIndex(this.items);
    for (const g of gens) this.absorb(make(g), at(g), ix);
  }

  /** appendReplaceOrMerge, for generated resources. */
  absorb(r: Res, at: Loc | undefined, ix?: AnyIdIndex): void {
    const id = curId(r);
    const matches = ix ? ix.get(id) : this.byAnyId((x) => idEquals(x, id));
    if (matches.length === 0) {
      if (r.behavior === 'merge' || r.behavior === 'replace') {
        throw new KError(`generator behavior '${r.behavior}' needs an existing ${idHuman(id)} to ${r.behavior}, and there is none; use behavior create, or fix the name/namespace.`, at);
      }
      if (!ix) {
        this.append(r, at);
        return;
      }
      // No id of any resource equals r's current id, so append() would find no conflict.
      ix.add(r, this.items.length);
      this.push(r);
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
    const i = ix ? ix.position(old) : this.items.indexOf(old);
    this.items[i] = r;
    ix?.replace(old, r, this.items);
    this.names = undefined;
  }
}

function conflict(id: ResId, at: Loc | undefined): KError {
  return new KError(
    `may not add resource with an already registered id: ${idHuman(id)} (${idString(id)}) is included twice; include the base once, or rename one copy (namePrefix/nameSuffix in the overlay that adds it).`,
    at,
  );
}

function indexNames(m: Map<string, Res[]>, r: Res): void {
  const own = nameOf(r.node);
  add(own);
  for (const p of r.prevIds) if (p.name !== own) add(p.name);
  function add(n: string): void {
    const l = m.get(n);
    if (!l) m.set(n, [r]);
    else if (l[l.length - 1] !== r) l.push(r);
  }
}

/** The resources of a list under each key of each of their ids (idKey), in list order, with their positions. */
class AnyIdIndex {
  private byKey = new Map<string, Res[]>();
  private pos = new Map<Res, number>();

  constructor(list: Res[]) {
    list.forEach((r, i) => this.add(r, i));
  }

  private keys(r: Res): string[] {
    return [...new Set(allIds(r).map(idKey))];
  }

  add(r: Res, i: number): void {
    this.pos.set(r, i);
    for (const k of this.keys(r)) {
      const l = this.byKey.get(k);
      if (l) l.push(r);
      else this.byKey.set(k, [r]);
    }
  }

  /** byAnyId(x => idEquals(x, id)). */
  get(id: ResId): Res[] {
    return this.byKey.get(idKey(id)) ?? [];
  }

  position(r: Res): number {
    return this.pos.get(r)!;
  }

  /** `r` took the place of `old` in `list`. */
  replace(old: Res, r: Res, list: Res[]): void {
    const before = this.keys(old);
    const after = this.keys(r);
    if (before.length === after.length && before.every((k, i) => k === after[i])) {
      this.pos.set(r, this.pos.get(old)!);
      this.pos.delete(old);
      for (const k of before) {
        const l = this.byKey.get(k)!;
        l[l.indexOf(old)] = r;
      }
      return;
    }
    // The ids changed (a rare case): index the list again, keeping list order in every entry.
    this.byKey.clear();
    this.pos.clear();
    list.forEach((x, i) => this.add(x, i));
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
