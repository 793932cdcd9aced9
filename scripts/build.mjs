// Builds the one-file CLI bundle (dist/medialint.js, run through V8's code cache: see
// scripts/code-cache-launcher.mjs) and the Action bundle (dist/action.js).
//   node scripts/build.mjs                  regenerate rules/index.ts and the ajv validators
//                                           (scripts/gen-validators.mjs), then build into dist/
//   node scripts/build.mjs --outdir DIR     build into DIR only, touching nothing else
//                                           (scripts/check-dist.sh compares DIR with dist/)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherSource } from './code-cache-launcher.mjs';
import { lazyPlugin } from './lazy-plugin.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 ? path.resolve(process.argv[at + 1] ?? '') : path.join(root, 'dist');
if (at < 0) {
  execFileSync(process.execPath, [path.join(root, 'scripts/gen-rules-index.mjs')], { stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'scripts/gen-validators.mjs')], { stdio: 'inherit' });
}

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
  // Packages and built-ins a run may not need load on first use (scripts/lazy-plugin.mjs).
  plugins: [lazyPlugin(root)],
};

// The CLI: a CommonJS function body wrapped by a launcher that runs it through V8's code
// cache (scripts/code-cache-launcher.mjs), still one file.
const cli = await build({
  ...common,
  format: 'cjs',
  banner: {},
  define: { 'import.meta.url': '__medialint_url' },
  entryPoints: [path.join(root, 'src/cli/entry.ts')],
  write: false,
  outfile: path.join(outdir, 'medialint.js'),
});
mkdirSync(outdir, { recursive: true });
writeFileSync(path.join(outdir, 'medialint.js'), launcherSource(cli.outputFiles[0].text));

if (existsSync(path.join(root, 'src/action/main.ts'))) {
  await build({ ...common, entryPoints: [path.join(root, 'src/action/main.ts')], outfile: path.join(outdir, 'action.js') });
}
