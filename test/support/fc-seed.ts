// Property tests explore new random cases on every local run; in CI (CI=true) they replay one
// fixed seed so that a landing never depends on the dice. A failure prints its seed either way.
import fc from 'fast-check';

if (process.env.CI) fc.configureGlobal({ seed: 20261125 });
