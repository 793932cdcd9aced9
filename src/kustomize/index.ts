// The in-process kustomize renderer: public entry points.
export { findRoots } from './roots.js';
export { render } from './render.js';
export type { RenderOptions, RenderResult } from './render.js';
export { renderText } from './text.js';
export type { RenderTextOptions } from './text.js';
export { checkPatchTargets } from './patch-targets.js';
export { printStream, printDocument } from './print.js';
