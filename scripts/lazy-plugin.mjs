// An esbuild plugin for scripts/build.mjs: the bundle loads a package or a Node built-in
// when a run first uses it, not at start-up (SPEC §7: one file end to end within 2× a bare
// `node -e 0`, and "load nothing a run does not need"). A plain lint of manifests never needs
// `yaml` (fast-yaml.ts parses them), `globby` (the arguments are files), crypto or
// child_process; --fix, kustomize, SARIF, a config file or a directory argument do.
//
// How: an `import { x } from 'pkg'` in our sources resolves to a small proxy module whose
// exports forward to `require('pkg')` on first call. esbuild bundles that require() of the
// real package as a lazily initialised module of the same file, so the bundle is still one
// file. Functions become forwarding functions; classes and namespace objects become
// Proxies (calls, `new`, statics, instanceof). The packages' own imports of Node built-ins
// become CommonJS requires, which run when the package initialises, not at start-up.
// Sources stay ordinary ESM: vitest and tsx never see this plugin.
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';

/** Packages whose module initialisation a plain lint can skip. */
export const LAZY_PACKAGES = ['yaml', 'globby', 'picomatch', 'picocolors', 'ipaddr.js', 'fastest-levenshtein', 'diff'];
/** Built-ins that Node has to load and compile (path, fs, util and module are there anyway). */
export const LAZY_BUILTINS = ['child_process', 'crypto', 'zlib', 'stream', 'stream/promises', 'events', 'fs/promises', 'os', 'url'];

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Proxy module source for a module whose exports are `mod`; `spec` is what it require()s. */
function proxySource(spec, mod, label) {
  const lines = [
    `// Lazy ${label}: loaded on first use (scripts/lazy-plugin.mjs).`,
    `let m;`,
    `const load = () => (m ??= require(${JSON.stringify(spec)}));`,
  ];
  const exported = (name, expr) => (name === 'default' ? `export default ${expr};` : `export const ${name} = ${expr};`);
  // A CommonJS module.exports is also the default export.
  const get = (name) => (name === 'default' ? '(load().default ?? load())' : `load()[${JSON.stringify(name)}]`);
  const names = Object.keys(mod).filter((n) => n === 'default' || IDENT.test(n));
  if (!names.includes('default')) names.push('default');
  for (const name of names) {
    if (name === '__esModule') continue;
    const v = name === 'default' ? (mod.default ?? mod) : mod[name];
    const target = get(name);
    if (typeof v === 'function') {
      // Classes (also old-style ones: a capitalised name) and functions carrying properties.
      const isClass = /^class\b/.test(Function.prototype.toString.call(v)) || /^[A-Z]/.test(name) || Object.keys(v).length > 0;
      lines.push(isClass
        ? exported(name, `/* @__PURE__ */ new Proxy(function () {}, { apply: (_, self, a) => Reflect.apply(${target}, self, a), construct: (_, a) => Reflect.construct(${target}, a), get: (_, k) => ${target}[k], has: (_, k) => k in ${target} })`)
        : exported(name, `function (...a) { return ${target}.apply(this, a); }`));
    } else if (v !== null && typeof v === 'object') {
      lines.push(exported(name, `/* @__PURE__ */ new Proxy({}, { get: (_, k) => ${target}[k], has: (_, k) => k in ${target}, ownKeys: () => Reflect.ownKeys(${target}), getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(${target}, k); return d && { ...d, configurable: true }; } })`));
    }
    // Primitive exports cannot be deferred: importing one fails the build ("No matching export").
  }
  return lines.join('\n') + '\n';
}

export function lazyPlugin(root) {
  const require = createRequire(path.join(root, 'package.json'));
  const builtins = new Set(builtinModules);
  return {
    name: 'lazy',
    setup(build) {
      const pkgFilter = new RegExp(`^(${LAZY_PACKAGES.map((p) => p.replace(/[.]/g, '\\.')).join('|')})$`);
      // Our sources' static imports of a lazy package get the proxy; the proxy's own
      // require() and the packages' imports among themselves resolve as usual.
      build.onResolve({ filter: pkgFilter }, (args) => {
        if (args.kind !== 'import-statement' || args.namespace !== 'file' || args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        return { path: args.path, namespace: 'lazy-pkg' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-pkg' }, async (args) => {
        const mod = require(args.path);
        return { contents: proxySource(args.path, mod, `package ${args.path}`), resolveDir: root, loader: 'js' };
      });
      // Built-ins: an ESM import of one makes Node build an ES module facade, which reads
      // every export, getters included (`fs.ReadStream` loads streams, `process.stdin` opens
      // stdin). So every ESM import of a built-in becomes a CommonJS require: for the lazy
      // built-ins imported by our sources, a proxy that requires on first use; for the others,
      // a require when the importing module initialises (a package: when it is first used).
      build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (!builtins.has(name) || args.kind !== 'import-statement' || args.namespace !== 'file') return undefined;
        const fromPackage = args.importer.includes(`${path.sep}node_modules${path.sep}`);
        return { path: name, namespace: !fromPackage && LAZY_BUILTINS.includes(name) ? 'lazy-builtin' : 'lazy-cjs' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: proxySource(`node:${args.path}`, require(`node:${args.path}`), `node:${args.path}`), resolveDir: root, loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: 'lazy-cjs' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});\n`, resolveDir: root, loader: 'js',
      }));
    },
  };
}
