// The floor for benchmark (a): read every YAML file under a folder and parse it with js-yaml.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';

let docs = 0;
function walk(d) {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.ya?ml$/.test(e.name)) yaml.loadAll(readFileSync(p, 'utf8'), () => { docs++; });
  }
}
walk(process.argv[2]);
if (docs === 0) process.exitCode = 3;
