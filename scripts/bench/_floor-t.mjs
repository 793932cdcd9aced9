import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
const t0=performance.now();
const yaml = await import('js-yaml');
const t1=performance.now();
const files=[];
function walk(d){for(const e of readdirSync(d,{withFileTypes:true})){const p=path.join(d,e.name); if(e.isDirectory()) walk(p); else files.push(p);}}
walk(process.argv[2]);
const texts=files.map(f=>readFileSync(f,'utf8'));
const t2=performance.now();
let n=0; for(const t of texts) yaml.loadAll(t,()=>n++);
const t3=performance.now();
const Y = await import('yaml');
const t4=performance.now();
for(const t of texts) Y.parseAllDocuments(t);
const t5=performance.now();
for(const t of texts) { const p = new Y.Parser(); for (const tok of p.parse(t)); }
const t6=performance.now();
for(const t of texts) Y.parseAllDocuments(t);
const t7=performance.now();
for(const t of texts) yaml.loadAll(t,()=>n++);
const t8=performance.now();
console.log({imp:t1-t0, read:t2-t1, jsyaml:t3-t2, jsyaml2:t8-t7, yamlImp:t4-t3, yamlDoc:t5-t4, yamlDoc2:t7-t6, cst:t6-t5, n, bytes: texts.reduce((a,t)=>a+t.length,0)});
