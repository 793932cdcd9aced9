// Reading what a container runs: command + args + lifecycle hooks -> RunAnalysis.
//
//   words.ts   YAML scalars -> Words with file positions (also inside `|` block scripts)
//   lex.ts     shell tokenizer          parse.ts  tokens -> simple commands + context
//   unwrap.ts  exec/env/tini/nsenter…   flags.ts  --flag value / --flag=value / -o a,b
//   rclone.ts  rclone mount/serve/rc    tools.ts  mount, sshfs, s3fs…, mkdir, umount, guards
//   analyze.ts ties them together: which commands run, what they mount, whether it stays up
import type { YMap, YSeq, YScalar } from '../../load/ynode.js';
import type { RunAnalysis, Word } from '../types.js';
import type { MounterConfig } from '../../engine/config.js';
import { Runner } from './analyze.js';
import { scalarText, type FileText } from './words.js';

export type { FileText } from './words.js';
export { parseScript, type SimpleCommand, type ShWord } from './parse.js';

export interface RunInput {
  image: string | undefined;
  commandNode: YSeq | undefined;
  argsNode: YSeq | undefined;
  lifecycleNode: YMap | undefined;
  /** Declared containerPorts. */
  ports: { port: number; node: YScalar | YMap }[];
  mounters: MounterConfig[];
  /** The `image` scalar: where image-level findings (an image mounter, rclone's ENTRYPOINT) point. */
  imageNode?: YScalar;
  /**
   * The text of a manifest file, by Loc.file. With it, words inside `|` block scripts get
   * their exact line and column; without it they point at the whole block.
   */
  fileText?: FileText;
}

export function analyzeRun(input: RunInput): RunAnalysis {
  return new Runner(input).run();
}

/**
 * Whether `word.loc` spans exactly the word's own characters, so a `replaceText` edit may
 * rewrite it. False when the loc is the enclosing scalar (a word of a double-quoted, folded
 * or escaped script, or a quoted array item whose loc includes the YAML quotes): edit the
 * scalar instead.
 */
export function isExact(word: Word): boolean {
  if (!word.loc) return false;
  if (!word.node || word.loc !== word.node.loc) return true; // a span placed inside the scalar
  return word.node.style === 'plain' && word.text === scalarText(word.node); // a whole plain item
}
