// A node that a fix moves elsewhere in its file (a container from `containers` into
// `initContainers`). As the value of an `insertItem` (or an item of a list that `setKey`
// writes), the fixer copies the node's own text, re-indented, instead of rendering `value`:
// comments, quoting and flow style go with it. The fix removes the node where it was with
// its own edit (`removeItem`); comment lines that travel with the text are not also kept
// there. No runtime imports: rules build these while linting.
import type { Edit } from '../engine/finding.js';
import type { YNode } from '../load/ynode.js';

export class Moved {
  constructor(
    /** The block sequence item whose text moves. */
    readonly node: YNode,
    /**
     * What the moved item must read as. When the text cannot be moved as it is (another
     * file, a flow list, a result that would not read as this), the fixer renders this.
     */
    readonly value: unknown,
    /** Edits on `node` itself, made in the moved text (`restartPolicy: Always` after its name). */
    readonly edits: readonly Edit[] = [],
  ) {}
}
