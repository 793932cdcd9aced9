// Entry of the GitHub Action (action.yml -> dist/action.js, built by scripts/build.mjs).
import { main } from './run.js';

await main();
