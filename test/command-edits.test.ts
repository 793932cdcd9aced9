// rules/lib/command-edits.ts: the one module that edits command-line words. A word in a
// script is shell-quoted when it needs it and then escaped for the YAML scalar that holds the
// script, so what --fix writes still parses and the shell still reads one word.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { lintText } from './helpers.js';
import { planFix } from '../src/fix/apply.js';
import { applyTextEdits, type TextEdit } from '../src/fix/text-edit.js';
import { insertAfter, replaceWord } from '../rules/lib/command-edits.js';
import type { Container, Word } from '../src/model/types.js';

/** A Pod whose one container has the command line `line` (`command: [...]` or `args: [...]`). */
function podWith(line: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: rclone/rclone:1.68.2
      ${line}
`;
}

/** A Pod whose one container runs a script through `sh -c`, the script written as `scalar`. */
const pod = (scalar: string) => podWith(`command: [sh, -c, ${scalar}]`);

function run(text: string, edit: (c: Container, word: (t: string) => Word) => ReturnType<typeof replaceWord>): { text: string; script: string } {
  const r = lintText(text, 'p.yaml');
  const c = r.model.workloads[0]!.pod.containers[0]!;
  const word = (t: string) => c.run.cmds.flatMap((cmd) => cmd.words).find((w) => w.text === t)!;
  const edits = edit(c, word);
  expect(edits).toBeDefined();
  const plan = planFix({ description: 'test', edits: edits! }, (f) => (f === 'p.yaml' ? text : undefined));
  expect(Array.isArray(plan), String(plan)).toBe(true);
  const out = applyTextEdits(text, plan as TextEdit[]).text;
  const doc = parseAllDocuments(out)[0]!;
  expect(doc.errors).toEqual([]);
  return { text: out, script: String((doc.toJS() as { spec: { containers: { command: string[] }[] } }).spec.containers[0]!.command[2]) };
}

describe('command-line word edits', () => {
  it('replace a word inside a double-quoted script with one that needs shell quotes', () => {
    const r = run(pod('"rclone mount r: /mnt/x --log-file /tmp/a.log"'), (c, w) => replaceWord(c, w('/tmp/a.log'), '/tmp/my "log"'));
    expect(r.script).toBe(`rclone mount r: /mnt/x --log-file '/tmp/my "log"'`);
  });
  it('replace a word inside a single-quoted script with one that holds a quote', () => {
    const r = run(pod("'rclone mount r: /mnt/x --log-file /tmp/a.log'"), (c, w) => replaceWord(c, w('/tmp/a.log'), "/tmp/it's.log"));
    expect(r.script).toBe(`rclone mount r: /mnt/x --log-file '/tmp/it'\\''s.log'`);
  });
  it('add words after a word of a plain script, and after a whole array item', () => {
    expect(run(pod('rclone mount r:b /mnt/x'), (c, w) => insertAfter(c, w('/mnt/x'), ['--allow-other', '--cache-dir', '/a b'])).script)
      .toBe(`rclone mount r:b /mnt/x --allow-other --cache-dir '/a b'`);
    const r = lintText(podWith('args: [mount, "r:", /mnt/x]'), 'p.yaml');
    const c = r.model.workloads[0]!.pod.containers[0]!;
    const target = c.run.cmds[0]!.words.find((w) => w.text === '/mnt/x')!;
    expect(insertAfter(c, target, ['--allow-other', '--vfs-cache-mode', 'full'])!.map((e) => e.op === 'insertItem' && [e.value, e.index])).toEqual([
      ['--allow-other', 3], ['--vfs-cache-mode', 3], ['full', 3],
    ]);
  });
  it('give no edit where a plain scalar cannot hold the text', () => {
    const r = lintText(pod('rclone mount r:b /mnt/x'), 'p.yaml');
    const c = r.model.workloads[0]!.pod.containers[0]!;
    const w = c.run.cmds[0]!.words.find((x) => x.text === '/mnt/x')!;
    expect(insertAfter(c, w, ['a: b'])).toBeUndefined(); // ': ' would end the plain scalar
  });
});
