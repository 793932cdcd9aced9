// scratch: time the stages and each rule in-process (tsx)
import { readFileSync } from 'node:fs';
import { discover } from '../../src/load/discover.js';
import { decode, parseSource } from '../../src/load/source.js';
import { buildModel } from '../../src/model/build.js';
import { runRules } from '../../src/engine/run.js';
import { RULES } from '../../rules/index.js';
import { defaultConfig } from '../../src/engine/config.js';
const dir = process.argv[2]!;
let t = performance.now();
const lap = (n: string) => { const x = performance.now(); console.log(n.padEnd(40), (x - t).toFixed(0), 'ms'); t = x; };
const { files } = discover([dir], { cwd: process.cwd(), ignore: [] });
lap('discover ' + files.length);
const srcs = files.map((f) => { const d = decode(f, readFileSync(f)); return parseSource(f, (d as any).text); });
lap('parse');
const cfg = defaultConfig();
const model = buildModel(srcs.flatMap((s) => s.docs.map((d) => ({ node: d.node, file: s.path }))), cfg, () => undefined);
lap('model');
import { topology } from '../../src/topology/index.js';
topology(model); lap('topology');
for (const r of RULES) { const n = runRules(model, [r], cfg).length; lap(`${r.id} (${n})`); }
