// Builds the one-file CLI bundle (dist/medialint.js) and the Action bundle (dist/action.js).
//   node scripts/build.mjs                  regenerate rules/index.ts, then build into dist/
//   node scripts/build.mjs --outdir DIR     build into DIR only, touching nothing else
//                                           (scripts/check-dist.sh compares DIR with dist/)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 ? path.resolve(process.argv[at + 1] ?? '') : path.join(root, 'dist');
if (at < 0) execFileSync(process.execPath, [path.join(root, 'scripts/gen-rules-index.mjs')], { stdio: 'inherit' });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  minify: true,
  keepNames: false,
  logLevel: 'warning',
  // Paths in the bundle's comments are relative to this, so a build is the same from any cwd.
  absWorkingDir: root,
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __mlCreateRequire } from 'node:module'; const require = __mlCreateRequire(import.meta.url);" },
};

const entries = [{ in: 'src/cli/entry.ts', out: 'medialint.js' }];
if (existsSync(path.join(root, 'src/action/main.ts'))) {
  entries.push({ in: 'src/action/main.ts', out: 'action.js' });
}
for (const e of entries) {
  await build({ ...common, entryPoints: [path.join(root, e.in)], outfile: path.join(outdir, e.out) });
}
