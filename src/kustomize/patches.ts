// The three patch fields: patchesStrategicMerge, patches (strategic merge or JSON 6902, with
// or without a target) and patchesJson6902, with kustomize's loading rules and errors.
// Inline patches are parsed with Locs mapped back into the kustomization file.
import type { Loc, YMap, YNode } from '../load/ynode.js';
import { isMap, isSeq } from '../load/ynode.js';
import { lineStartsOf, makeLoc, parseSource } from '../load/source.js';
import type { Kustomization, PatchArg, SelectorArg, Str } from './kustfile.js';
import type { Ctx, Loader } from './load.js';
import { newRes, normalizeScalars, parseDocs, resourcesFromDocs, textOf } from './load.js';
import type { JsonOp } from './json6902.js';
import { applyJsonPatch, decodeOps } from './json6902.js';
import { strategicMerge } from './merge.js';
import type { ResMap } from './resmap.js';
import { compileSelector } from './selector.js';
import { deepClone, field, fieldValue, jsonNormalize, rawText, relocate, removeField, setField } from './tree.js';
import type { Res } from './types.js';
import { curId, idHuman, KError, orgId, storePreviousId } from './types.js';

/** Observers of patch targets (used by the kustomize-patch-target check). */
export const patchTargetHooks: { onTarget?: (target: SelectorArg, rm: ResMap, selected: Res[]) => void } = {};

function selectTarget(rm: ResMap, target: SelectorArg): Res[] {
  const selected = rm.select(compileSelector(target));
  patchTargetHooks.onTarget?.(target, rm, selected);
  return selected;
}

interface SmPatch {
  node: YMap;
  allowNameChange: boolean;
  allowKindChange: boolean;
}

/** Parse patch text: from a file, or inline in the kustomization (Locs mapped back). */
function patchDocs(ctx: Ctx, text: string, origin: { abs?: string; inline?: Str }, at: Loc | undefined): YNode[] {
  if (origin.abs) return parseDocs(ctx, origin.abs, text, at);
  const node = origin.inline!.node;
  const kfile = node?.loc?.file ?? '';
  const sf = parseSource(kfile, text);
  const errs = sf.findings.filter((f) => f.ruleId === 'parse-error');
  if (errs.length) throw new KError(`the inline patch is not valid YAML (${errs[0]!.message.replace(/\.$/, '')}); fix it.`, at);
  const docs = sf.docs.map((d) => d.node).filter((n): n is YNode => !!n);
  for (const d of docs) normalizeScalars(d, text);
  const kAbs = [...ctx.texts.keys()].find((a) => ctx.display(a) === kfile);
  const ktext = kAbs ? ctx.texts.get(kAbs) : undefined;
  const sc = node && node.kind === 'scalar' ? node : undefined;
  if (sc && sc.style === 'block-literal' && sc.loc && ktext !== undefined) {
    const ls = lineStartsOf(ktext);
    const first = sc.loc.line; // the indicator's line; content starts on the next one
    let indent = 0;
    for (let l = first; l < ls.length; l++) {
      const line = ktext.slice(ls[l]!, (ls[l + 1] ?? ktext.length + 1) - 1);
      if (line.trim()) {
        indent = line.length - line.trimStart().length;
        break;
      }
    }
    const map = (loc: Loc | undefined): Loc | undefined => {
      if (!loc) return loc;
      const sLine = first + loc.line;
      const eLine = first + loc.endLine;
      const start = (ls[sLine - 1] ?? 0) + indent + loc.col - 1;
      const end = (ls[eLine - 1] ?? 0) + indent + loc.endCol - 1;
      return makeLoc(kfile, ls, start, Math.max(start, end));
    };
    const walk = (n: YNode): void => {
      n.loc = map(n.loc);
      if (n.kind === 'map') for (const p of n.items) {
        p.keyLoc = map(p.keyLoc);
        walk(p.value);
      }
      else if (n.kind === 'seq') n.items.forEach(walk);
    };
    docs.forEach(walk);
  } else for (const d of docs) relocate(d, node?.loc ?? at);
  return docs;
}

function loadText(ldr: Loader, p: PatchArg | { path?: Str; patch?: Str }, what: string): { text: string; abs?: string; inline?: Str } {
  if (p.patch) return { text: p.patch.value, inline: p.patch };
  const { abs, bytes } = ldr.load(p.path!.value, p.path!.loc, what);
  return { text: textOf(ldr.ctx, abs, bytes, p.path!.loc), abs };
}

// ---- applying strategic merge patches ----------------------------------------------------

/** Resource.ApplySmPatch: merge, then restore name/kind/namespace unless allowed to change. */
function applySm(res: Res, patch: SmPatch, at: Loc | undefined): void {
  const meta = fieldValue(res.node, 'metadata');
  const snap = (p: { keyLoc?: Loc; value: YNode } | undefined) => (p ? { keyLoc: p.keyLoc, value: p.value } : undefined);
  const nameP = snap(field(meta, 'name'));
  const nsP = snap(field(meta, 'namespace'));
  const kindP = snap(field(res.node, 'kind'));
  if (patch.allowNameChange || patch.allowKindChange) storePreviousId(res);
  let out: YMap | undefined;
  try {
    out = strategicMerge(patch.node, res.node);
  } catch (e) {
    if (e instanceof KError) throw new KError(e.message, e.loc ?? at);
    throw e;
  }
  if (!out) {
    res.deleted = true;
    return;
  }
  res.node = out;
  if (!patch.allowKindChange && kindP) setField(res.node, 'kind', kindP.value, kindP.keyLoc);
  const m = fieldValue(res.node, 'metadata');
  if (isMap(m)) {
    if (!patch.allowNameChange && nameP) setField(m, 'name', nameP.value, nameP.keyLoc);
    if (nsP && rawText(nsP.value) !== '') setField(m, 'namespace', nsP.value, nsP.keyLoc);
    else removeField(m, 'namespace');
  }
}

/** resWrangler.ApplySmPatch: a copy of the patch, with the target's apiVersion, on each selected resource. */
function applySmToSelected(rm: ResMap, selected: Set<Res>, patch: SmPatch, at: Loc | undefined): void {
  // `selected` is in list order (rm.select, or one resource): patch those, not the whole list.
  let deleted = false;
  for (const res of selected) {
    const copy = deepClone(patch.node);
    const av = field(res.node, 'apiVersion');
    if (av) setField(copy, 'apiVersion', deepClone(av.value), av.keyLoc);
    rm.editInPlace(res, () => applySm(res, { ...patch, node: copy }, at));
    deleted ||= !!res.deleted;
  }
  if (deleted) rm.list = rm.list.filter((r) => !r.deleted);
}

function smPatchesFrom(docs: YNode[], display: string, at: Loc | undefined, options: Record<string, boolean>): SmPatch[] {
  return resourcesFromDocs(docs, at, display).map((node) => ({ node, allowNameChange: !!options.allowNameChange, allowKindChange: !!options.allowKindChange }));
}

// ---- patchesStrategicMerge ---------------------------------------------------------------

export function patchesStrategicMerge(ldr: Loader, k: Kustomization, rm: ResMap): void {
  if (!k.patchesStrategicMerge.length) return;
  const loaded: { p: SmPatch; at?: Loc }[] = [];
  for (const e of k.patchesStrategicMerge) {
    let docs: YNode[] | undefined;
    if (/[\n{:]/.test(e.value)) {
      try {
        const d = patchDocs(ldr.ctx, e.value, { inline: e }, e.loc);
        if (d.length && d.every((x) => isMap(x) && rawText(fieldValue(x, 'kind')))) docs = d;
      } catch {
        docs = undefined;
      }
    }
    let display = k.display;
    if (!docs) {
      const t = loadText(ldr, { path: e }, 'patch file');
      docs = patchDocs(ldr.ctx, t.text, t, e.loc);
      display = ldr.ctx.display(t.abs!);
    }
    for (const p of smPatchesFrom(docs, display, e.loc, {})) loaded.push({ p, at: e.loc });
  }
  if (!loaded.length) {
    throw new KError(`patchesStrategicMerge: the patches are empty (files: ${k.patchesStrategicMerge.map((e) => e.value).join(', ')}); kustomize refuses that. Remove them or add content.`, k.patchesStrategicMerge[0]!.loc);
  }
  for (const { p, at } of loaded) {
    const id = orgId(newRes(p.node));
    const target = rm.getById(id, at, 'the strategic merge patch for');
    applySmToSelected(rm, new Set([target]), p, at);
  }
}

// ---- patches -----------------------------------------------------------------------------

export function patches(ldr: Loader, k: Kustomization, rm: ResMap, p: PatchArg): void {
  const at = p.loc;
  const patchText = p.patch?.value.trim() ?? '';
  if (!patchText && !p.path) throw new KError('a patches entry must set patch or path (it has neither, or an empty patch).', at);
  if (patchText && p.path) throw new KError("a patches entry may not set both patch and path; keep one.", at);
  const src = patchText ? { text: p.patch!.value, inline: p.patch } : loadText(ldr, p, 'patch file');
  const display = src.abs ? ldr.ctx.display(src.abs) : k.display;
  const docs = patchDocs(ldr.ctx, src.text, src, p.path?.loc ?? at);
  const trimmed = src.text.trim();
  const looksJson = trimmed.startsWith('[') || isSeq(docs[0]);
  if (docs.length === 0) {
    throw new KError(`the patch ${p.path ? `file '${p.path.value}'` : ''} is empty (or only comments); kustomize refuses it ("illegally qualifies as both an SM and JSON patch"). Remove the entry or add the patch.`, p.path?.loc ?? at);
  }
  if (looksJson) {
    const ops = decodeOps(docs[0], p.path?.loc ?? at);
    if (!p.target) throw new KError('a JSON 6902 patch needs a target (kind, name, ...); add one.', at);
    applyJson(rm, p.target, ops, true, at);
    return;
  }
  if (!docs.every((d) => isMap(d))) throw new KError(`unable to parse the patch as a strategic merge or JSON patch${p.path ? ` (${p.path.value})` : ''}; fix it.`, p.path?.loc ?? at);
  let sm: SmPatch[];
  try {
    sm = smPatchesFrom(docs, display, p.path?.loc ?? at, p.options);
  } catch (e) {
    if (e instanceof KError) throw new KError(`unable to parse the patch as a strategic merge or JSON patch: ${e.message}`, p.path?.loc ?? at);
    throw e;
  }
  if (p.target) {
    if (sm.length > 1) throw new KError('a patches entry with a target may hold only one strategic merge patch; split the file into several entries.', at);
    const selected = new Set(selectTarget(rm, p.target));
    applySmToSelected(rm, selected, sm[0]!, at);
    return;
  }
  let deleted = rm.list.some((r) => r.deleted);
  for (const patch of sm) {
    if (deleted) {
      throw new KError('kustomize v5.5.0 crashes on a patches entry that holds several patches when one of them deletes a resource ($patch: delete); put each patch in its own entry.', at);
    }
    const target = rm.getById(orgId(newRes(patch.node)), at, 'the strategic merge patch for');
    rm.editInPlace(target, () => applySm(target, patch, at));
    deleted = !!target.deleted;
  }
}

function applyJson(rm: ResMap, target: SelectorArg, ops: JsonOp[], storePrev: boolean, at: Loc | undefined): void {
  for (const res of selectTarget(rm, target)) {
    if (storePrev) storePreviousId(res);
    try {
      rm.editInPlace(res, () => {
        applyJsonPatch(res.node, ops);
        jsonNormalize(res.node);
      });
    } catch (e) {
      if (e instanceof KError) throw new KError(`${e.message} (in ${idHuman(curId(res))})`, e.loc ?? at);
      throw e;
    }
  }
}

// ---- patchesJson6902 ---------------------------------------------------------------------

export function patchesJson6902(ldr: Loader, rm: ResMap, p: PatchArg): void {
  const at = p.loc;
  if (!p.target?.name) throw new KError('a patchesJson6902 entry must name its target (target.name).', at);
  if (p.path && p.patch) throw new KError('a patchesJson6902 entry may set a file path or an inline patch, not both.', at);
  if (!p.path && !p.patch) throw new KError('a patchesJson6902 entry needs a path or a patch.', at);
  const src = loadText(ldr, p, 'JSON patch file');
  if (!src.text) throw new KError(`patch file '${p.path?.value}' is empty.`, p.path?.loc ?? at);
  const docs = patchDocs(ldr.ctx, src.text, src, p.path?.loc ?? at);
  const ops = decodeOps(docs[0], p.path?.loc ?? at);
  if (!ops.length) throw new KError('the JSON patch is empty; remove the entry or add operations.', p.path?.loc ?? at);
  applyJson(rm, p.target, ops, false, at);
}
