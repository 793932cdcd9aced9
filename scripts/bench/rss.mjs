// Runs the bundled CLI in this process and prints its peak RSS (bytes) on stderr at exit.
process.on('exit', () => process.stderr.write(`\nmaxrss=${process.resourceUsage().maxRSS * 1024}\n`));
await import('../../dist/medialint.js');
