// A preload (`node --import ./test/support/deny-network.mjs …`) that takes network and
// process creation away from the process, so a test can prove that no input makes medialint
// open a socket, resolve a name or run a program:
//
//   net / tls / http / https / http2 connections, listening sockets, dgram sockets,
//   dns look-ups, fetch / WebSocket / EventSource,
//   child_process spawn / exec / execFile / fork (sync and async),
//   worker_threads Workers and native addons (process.dlopen)
//
// (node:vm is left alone: the bundle's launcher runs medialint's own code through
// vm.Script for V8's code cache, scripts/code-cache-launcher.mjs. That no input reaches vm,
// eval or new Function is checked on the sources by test/sandbox.test.ts.)
//
// all throw an error with code EMEDIALINTSANDBOX. Each attempt is also written to stderr as
// `medialint-sandbox: DENIED <what>` and, when MEDIALINT_SANDBOX_LOG names a file, appended
// there, so an attempt is seen even when the code under test catches the error.
//
// The one exception: with MEDIALINT_ALLOW_KUBECTL set, spawning `kubectl` or `kustomize`
// (by file, without a shell) is allowed and logged as `ALLOWED …`: `--kustomize kubectl`
// is the only feature of medialint that runs a program.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { appendFileSync, writeSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const LOG = process.env.MEDIALINT_SANDBOX_LOG;
const ALLOW_KUBECTL = !!process.env.MEDIALINT_ALLOW_KUBECTL;

function record(line) {
  try {
    writeSync(2, `medialint-sandbox: ${line}\n`);
  } catch { /* stderr closed */ }
  if (LOG) {
    try {
      appendFileSync(LOG, `${line}\n`);
    } catch { /* best effort */ }
  }
}

function deny(what) {
  record(`DENIED ${what}`);
  const e = new Error(`medialint sandbox: ${what} is not allowed (no network, no processes)`);
  e.code = 'EMEDIALINTSANDBOX';
  throw e;
}

/** Replace `obj[name]` with a function that refuses (or, if `allow` says so, calls the original). */
function guard(obj, name, what, allow) {
  const orig = obj?.[name];
  if (typeof orig !== 'function') return;
  const wrapped = function (...args) {
    if (allow?.(args)) {
      record(`ALLOWED ${what} ${describeArgs(args)}`);
      return orig.apply(this, args);
    }
    return deny(`${what}${describeArgs(args) ? ` ${describeArgs(args)}` : ''}`);
  };
  Object.defineProperty(wrapped, 'name', { value: name });
  obj[name] = wrapped;
}

function describeArgs(args) {
  const a = args[0];
  if (typeof a === 'string') return JSON.stringify(a.length > 120 ? `${a.slice(0, 120)}…` : a);
  if (a && typeof a === 'object' && !Array.isArray(a)) {
    const host = a.host ?? a.hostname ?? a.path ?? a.port;
    return host !== undefined ? JSON.stringify(String(host)) : '';
  }
  return typeof a === 'number' ? String(a) : '';
}

// ---- network ---------------------------------------------------------------------------
const net = require('node:net');
guard(net.Socket.prototype, 'connect', 'net.Socket.connect');
guard(net, 'connect', 'net.connect');
guard(net, 'createConnection', 'net.createConnection');
guard(net.Server.prototype, 'listen', 'net.Server.listen');

const tls = require('node:tls');
guard(tls, 'connect', 'tls.connect');
guard(tls.TLSSocket.prototype, 'connect', 'tls.TLSSocket.connect');

const dgram = require('node:dgram');
guard(dgram, 'createSocket', 'dgram.createSocket');
guard(dgram.Socket.prototype, 'bind', 'dgram.Socket.bind');
guard(dgram.Socket.prototype, 'send', 'dgram.Socket.send');

for (const mod of ['node:http', 'node:https']) {
  const m = require(mod);
  guard(m, 'request', `${mod.slice(5)}.request`);
  guard(m, 'get', `${mod.slice(5)}.get`);
}
const http2 = require('node:http2');
guard(http2, 'connect', 'http2.connect');

const dns = require('node:dns');
const DNS_FNS = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx',
  'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'];
for (const fn of DNS_FNS) {
  guard(dns, fn, `dns.${fn}`);
  guard(dns.promises, fn, `dns.promises.${fn}`);
  guard(dns.Resolver?.prototype, fn, `dns.Resolver.${fn}`);
  guard(dns.promises.Resolver?.prototype, fn, `dns.promises.Resolver.${fn}`);
}
const dnsPromises = require('node:dns/promises');
for (const fn of DNS_FNS) guard(dnsPromises, fn, `dns/promises.${fn}`);

for (const name of ['fetch', 'WebSocket', 'EventSource']) {
  if (typeof globalThis[name] === 'function') {
    const what = name;
    globalThis[name] = function () {
      return deny(what);
    };
  }
}

// ---- processes and code ------------------------------------------------------------------
const cp = require('node:child_process');
/** spawn/execFile-style calls: the first argument is the program, run without a shell. */
const kubectlOnly = (args) => {
  if (!ALLOW_KUBECTL || typeof args[0] !== 'string') return false;
  const opts = args.find((a, i) => i > 0 && a && typeof a === 'object' && !Array.isArray(a));
  if (opts?.shell) return false;
  return ['kubectl', 'kustomize'].includes(path.basename(args[0]));
};
for (const fn of ['spawn', 'spawnSync', 'execFile', 'execFileSync']) guard(cp, fn, `child_process.${fn}`, kubectlOnly);
for (const fn of ['exec', 'execSync', 'fork']) guard(cp, fn, `child_process.${fn}`);

const wt = require('node:worker_threads');
if (typeof wt.Worker === 'function') {
  wt.Worker = class {
    constructor(file) {
      deny(`worker_threads.Worker ${describeArgs([String(file)])}`);
    }
  };
}

guard(process, 'dlopen', 'process.dlopen');

// `import { spawn } from 'node:child_process'` (and `import * as fs`) read the ESM view of
// the builtins: bring it in line with the patched objects.
syncBuiltinESMExports();
