// Our shell parser against mvdan-sh (a full POSIX/bash parser, used here only as an oracle):
// the same simple commands, the same literal words, the same background/loop/condition
// context, on hand-written scripts and generated ones. And: no input makes it throw or hang.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScript } from '../src/model/shell/parse.js';

// ---- the oracle -------------------------------------------------------------------------

/** The parts of mvdan-sh's syntax tree we read (it is Go compiled to JS, untyped). */
interface MvNode {
  [field: string]: unknown;
}
interface MvSyntax {
  NewParser(): { Parse(src: string, name: string): MvNode };
  Walk(node: MvNode, fn: (n: MvNode | null) => boolean): void;
  NodeType(node: MvNode): string;
}
const sh = createRequire(import.meta.url)('mvdan-sh') as { syntax: MvSyntax };
const S = sh.syntax;

/** A word whose value depends on an expansion: compared as a placeholder. */
const DYN = '<dyn>';
/** Nodes that carry words outside simple commands (`export A=b`, `[[ … ]]`): we skip such scripts. */
const UNSUPPORTED = new Set(['DeclClause', 'TestClause', 'LetClause', 'ArithmCmd', 'TimeClause', 'CoprocClause', 'TestDecl']);

interface Ctx {
  bg: boolean;
  loop: boolean;
  cond: boolean;
}

/** `words|…  flags` per simple command, or undefined when mvdan rejects the script. */
function oracle(src: string): string[] | undefined {
  let file: MvNode;
  try {
    file = S.NewParser().Parse(src, 'x');
  } catch {
    return undefined;
  }
  const out: string[] = [];
  let unsupported = false;
  const stmts = (list: unknown, ctx: Ctx) => {
    for (const s of list as MvNode[]) visit(s, ctx);
  };
  const visit = (node: MvNode, ctx: Ctx): void => {
    const type = S.NodeType(node);
    if (type === 'Stmt') ctx = { ...ctx, bg: ctx.bg || !!node.Background, cond: ctx.cond || !!node.Negated };
    if (type === 'IfClause') {
      stmts(node.Cond, { ...ctx, cond: true });
      stmts(node.Then, ctx);
      if (node.Else) visit(node.Else as MvNode, ctx);
      return;
    }
    if (type === 'WhileClause') {
      stmts(node.Cond, { ...ctx, cond: true, loop: true });
      stmts(node.Do, { ...ctx, loop: true });
      return;
    }
    if (type === 'ForClause') return stmts(node.Do, { ...ctx, loop: true });
    let root = true;
    S.Walk(node, (n) => {
      if (!n) return true;
      if (root) return !(root = false);
      const t = S.NodeType(n);
      if (UNSUPPORTED.has(t)) unsupported = true;
      if (t === 'Stmt' || t === 'IfClause' || t === 'WhileClause' || t === 'ForClause') {
        visit(n, ctx);
        return false;
      }
      if (t === 'CmdSubst' || t === 'ProcSubst' || t === 'ParamExp' || t === 'ArithmExp') return false;
      if (t === 'CallExpr') {
        const args = n.Args as MvNode[];
        if (args.length > 0) out.push(line(args.map(oracleWord), ctx));
      }
      return true;
    });
  };
  visit(file, { bg: false, loop: false, cond: false });
  return unsupported ? undefined : out;
}

function oracleWord(word: MvNode): string {
  let text = '';
  for (const part of word.Parts as MvNode[]) {
    const t = S.NodeType(part);
    if (t === 'Lit') text += String(part.Value).replace(/\\\n/g, '').replace(/\\([\s\S])/g, '$1');
    else if (t === 'SglQuoted' && !part.Dollar) text += String(part.Value);
    else if (t === 'DblQuoted' && !part.Dollar && (part.Parts as MvNode[]).every((p) => S.NodeType(p) === 'Lit')) {
      for (const p of part.Parts as MvNode[]) text += String(p.Value).replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
    } else return DYN;
  }
  return text;
}

const line = (words: string[], c: Ctx) => `${words.join('|')}  ${c.bg ? 'B' : ''}${c.loop ? 'L' : ''}${c.cond ? 'C' : ''}`;

function ours(src: string): string[] {
  return parseScript(src).map((c) => line(c.words.map((w) => (w.dynamic ? DYN : w.text)), { bg: c.background, loop: c.inLoop, cond: c.inCondition }));
}

// ---- hand-written scripts ---------------------------------------------------------------

const SCRIPTS = [
  'rclone mount zurg: /mnt/media/zurg --allow-other --rc --rc-addr=:5572',
  'apk add --no-cache nfs-utils --quiet\nmkdir -p /mnt/dfs\nwhile true; do\n  if ! mountpoint -q /mnt/dfs; then\n    mount -t nfs4 -o soft,timeo=30,retrans=3 \\\n      svc.media.svc.cluster.local:/ /mnt/dfs \\\n      && echo "DFS mounted" || echo "DFS mount failed, retrying..."\n  fi\n  sleep 15\ndone',
  'umount -l /host-mount/x 2>/dev/null || true\nmkdir -p /host-mount/x\nexec rclone mount realdebrid:/ /host-mount/x \\\n  --dir-cache-time=20s \\\n  --vfs-cache-mode=full \\\n  --allow-other \\\n  --cache-dir=/cache',
  'cp /config/zurg/config.yml /app/config.yml && \\\nsed -i "s/YOUR_RD_API_TOKEN/$REAL_DEBRID_TOKEN/g" /app/config.yml && \\\n./zurg',
  'echo "Starting RClone sidecar..."\n# Create RClone config\nmkdir -p /root/.config/rclone\ncat > /root/.config/rclone/rclone.conf << EOF\n[s3]\ntype = s3\naccess_key_id = ${AWS_ACCESS_KEY_ID}\nEOF\nrclone mount s3:bucket /mnt/s3 --daemon --allow-other\nsleep infinity',
  "mount -t fuse.rclone | while read -r mount; do umount $(echo $mount | awk '{print $3}') || true ; done",
  'rclone serve nfs /mnt/dfs --addr 0.0.0.0:2049 --vfs-cache-mode=full &\nwait',
  'nsenter -t 1 -m -- mount -t nfs 10.0.0.5:/export /host/mnt',
  'until mountpoint -q /mnt/x; do echo waiting; sleep 2; done; exec /app/start "$@"',
  'for d in /mnt/a /mnt/b; do mkdir -p "$d"; chown 1000:1000 "$d"; done',
  'case "$MODE" in\n  mount) rclone mount r: /m ;;\n  serve|nfs) rclone serve nfs /m ;;\n  *) echo "unknown mode" >&2; exit 1 ;;\nesac',
  '{ fusermount -uz /m; rclone mount r: /m --daemon; } 2>&1 | tee /log &',
  '( cd /tmp && tar xzf a.tgz ) && echo ok',
  'trap "fusermount -uz /m" TERM INT\nrclone mount r: /m & wait $!',
  'set -eu\nif [ -n "${RC_ADDR:-}" ]; then rclone rcd --rc-addr "$RC_ADDR"; else rclone rcd; fi',
  "grep -qs ' /mnt/x ' /proc/mounts || mount -t cifs //srv/share /mnt/x -o 'username=a,password=b'",
  'cleanup() {\n  fusermount -uz /data || umount -l /data\n}\ncleanup\nexec sshfs -f -o allow_other user@host:/ /data',
  "echo 'single \"quoted\" $HOME' \"double 'quoted'\" mixed'a'\"b\"c \\$escaped \\\\ back",
  'a=1 b="two words" c=\'x\' env | sort',
  '! mountpoint -q /m && mount --bind /src /m',
  'while read -r line; do echo "$line"; done < /etc/hosts',
  "cat <<-'END' > /etc/fuse.conf\n\tuser_allow_other\n\tEND\necho done",
  'x=$(cat /proc/mounts | grep /m); echo "$x"',
  'echo `date` > /tmp/started; sleep 5 &\nwait',
  'if true; then :; fi; if false; then :; else echo no; fi',
  'while true; do for f in a b c; do echo $f; done; sleep 1; done &\nexec tail -f /dev/null',
  'mount -tnfs4 -osoft server:/ /m; mount.nfs server:/x /y -o nolock',
  'echo a\\\nb c\\ d "e\\\nf"',
  'f() ( echo sub ); f',
  '[ -d /m ] || mkdir /m; test -w /m && echo writable',
  'rclone mount r: /m \\\n  --vfs-cache-mode full # comment with \'quote\n  --allow-other',
  'echo "nested $(echo "inner \\"q\\"") done" && echo ${x:-"def}ault"}',
];

describe('shell parser vs mvdan-sh', () => {
  it('agrees on the hand-written scripts', () => {
    let compared = 0;
    for (const src of SCRIPTS) {
      const expected = oracle(src);
      if (!expected) continue;
      compared++;
      expect(ours(src), src).toEqual(expected);
    }
    expect(compared).toBeGreaterThanOrEqual(28);
  });

  it('agrees on generated scripts', () => {
    let compared = 0;
    fc.assert(
      fc.property(script, (src) => {
        const expected = oracle(src);
        if (!expected) return;
        compared++;
        expect(ours(src), JSON.stringify(src)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
    expect(compared).toBeGreaterThan(300); // the generator writes valid shell
  }, 60_000);
});

// ---- a generator of shell scripts ---------------------------------------------------------

const RESERVED = new Set(['if', 'then', 'elif', 'else', 'fi', 'while', 'until', 'do', 'done', 'for', 'in', 'case', 'esac', 'select', 'function', 'time', 'coproc', '!', '{', '}', '[[', ']]']);
const plain = fc.stringMatching(/^[a-z0-9/._:,+%@-][a-z0-9/._:,=+%@-]{0,7}$/).filter((s) => !RESERVED.has(s));
const sq = fc.stringMatching(/^[a-z \t"$`\\;&|(){}<>#*]{0,6}$/).map((s) => `'${s}'`);
const dq = fc.array(fc.oneof(fc.stringMatching(/^[a-z '#;&|(){}<>*]{1,4}$/), fc.constantFrom('\\"', '\\\\', '\\$', '\\`', '\\q', '\\\n')), { maxLength: 4 }).map((p) => `"${p.join('')}"`);
const escaped = fc.constantFrom('\\ ', '\\;', '\\&', '\\|', "\\'", '\\"', '\\a', '\\#', '\\\\');
const expansion = fc.constantFrom('$x', '${y}', '$(echo hi)', '`date`', '"$z"', '${a:-b c}', '$1', '"$(cmd "q")"');
const part = fc.oneof({ weight: 6, arbitrary: plain }, { weight: 2, arbitrary: sq }, { weight: 2, arbitrary: dq }, { weight: 1, arbitrary: escaped }, { weight: 1, arbitrary: expansion });
const word = fc.array(part, { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
const redirect = fc.constantFrom(' >/dev/null', ' 2>&1', ' < in', ' >> "log file"', ' 2>/dev/null');
const simple = fc
  .tuple(fc.option(fc.constantFrom('A=1 ', 'B="x y" ', "C='' ")), plain, fc.array(word, { maxLength: 3 }), fc.option(redirect))
  .map(([assign, name, args, redir]) => `${assign ?? ''}${[name, ...args].join(' ')}${redir ?? ''}`);
const pipeline = fc.tuple(fc.boolean(), fc.array(simple, { minLength: 1, maxLength: 2 })).map(([neg, cmds]) => `${neg ? '! ' : ''}${cmds.join(' | ')}`);
const andOr = fc.array(fc.tuple(pipeline, fc.constantFrom(' && ', ' || ')), { minLength: 1, maxLength: 2 }).map((xs) => xs.map(([p, op], i) => (i === xs.length - 1 ? p : p + op)).join(''));

const { list } = fc.letrec<{ list: string; command: string; compound: string }>((tie) => ({
  list: fc.array(fc.tuple(tie('command'), fc.constantFrom('; ', '\n', ' & ', ';\n')), { minLength: 1, maxLength: 2 }).map((xs) => xs.map(([c, sep]) => c + sep).join('')),
  // Nesting stops at depth 2: mvdan-sh takes ~20 ms per KB of script.
  command: fc.oneof({ maxDepth: 2, depthIdentifier: 'compound', withCrossShrink: true }, andOr, tie('compound')),
  compound: fc.oneof(
    fc.tuple(tie('list'), tie('list'), fc.option(tie('list'))).map(([c, t, e]) => `if ${c}then ${t}${e ? `else ${e}` : ''}fi`),
    fc.tuple(fc.constantFrom('while', 'until'), tie('list'), tie('list')).map(([kw, c, b]) => `${kw} ${c}do ${b}done`),
    fc.tuple(plain, fc.array(word, { maxLength: 3 }), tie('list')).map(([v, ws, b]) => `for v${v.replace(/\W/g, '')} in ${ws.join(' ')}; do ${b}done`),
    tie('list').map((l) => `{ ${l}}`),
    tie('list').map((l) => `( ${l})`),
    fc.tuple(word, tie('list')).map(([w, l]) => `case ${w} in a|b) ${l};; *) ${l};; esac`),
  ),
}));
const script = list;

// ---- robustness -----------------------------------------------------------------------------

describe('shell parser robustness', () => {
  it('never throws and finishes quickly on arbitrary strings', () => {
    const alphabet = fc.constantFrom(...'ab $(){}[]`\'"\\;&|<>#\n\t!*=-:'.split(''), 'if ', 'then ', 'fi', 'while ', 'do ', 'done', 'case ', 'esac', '<<EOF\n', 'EOF\n', '$(', '${');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.array(alphabet, { maxLength: 200 }).map((a) => a.join(''))), (src) => {
        const t = performance.now();
        const cmds = parseScript(src);
        expect(performance.now() - t).toBeLessThan(50);
        for (const c of cmds) for (const w of c.words) expect(w.start < w.end && w.end <= src.length).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays linear on pathological input', () => {
    const cases = [
      '$('.repeat(100_000),
      '"$('.repeat(50_000),
      'if '.repeat(50_000) + 'a',
      '{ '.repeat(50_000) + 'a' + ' }'.repeat(50_000),
      'while a; do '.repeat(20_000) + 'b' + '; done'.repeat(20_000),
      ('a <<E' + String.fromCharCode(10)).repeat(30_000),
      "'".repeat(200_001),
      'x'.repeat(2_000_000),
      '\\\n'.repeat(200_000),
      '{ '.repeat(50_000) + 'fi; '.repeat(50_000),
      'if a; then '.repeat(50_000) + 'done; esac; '.repeat(50_000),
    ];
    for (const src of cases) {
      const t = performance.now();
      parseScript(src);
      expect(performance.now() - t, src.slice(0, 20)).toBeLessThan(1000);
    }
    // Deep nesting keeps its context without recursion.
    const deep = parseScript('while true; do '.repeat(5000) + 'mount a b' + '; done'.repeat(5000));
    expect(deep[deep.length - 1]).toMatchObject({ inLoop: true, inCondition: false });
  });
});
