// Reading what a container runs: command + args + lifecycle hooks -> RunAnalysis.
// (Implementation in progress: see words.ts / parse.ts / analyze.ts.)
import type { YMap, YSeq, YScalar } from '../../load/ynode.js';
import type { RunAnalysis } from '../types.js';
import type { MounterConfig } from '../../engine/config.js';

export interface RunInput {
  image: string | undefined;
  commandNode: YSeq | undefined;
  argsNode: YSeq | undefined;
  lifecycleNode: YMap | undefined;
  /** Declared containerPorts. */
  ports: { port: number; node: YScalar | YMap }[];
  mounters: MounterConfig[];
}

export function analyzeRun(_input: RunInput): RunAnalysis {
  return { cmds: [], mountOps: [], listeners: [], exports: [], mkdirs: [], unmounts: [], guards: [], opaque: true, longRunning: true };
}
