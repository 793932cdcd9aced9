#!/usr/bin/env node
// The published entry point: the bundled CLI (one file, fast start).
import '../dist/medialint.js';
