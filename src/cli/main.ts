import { run } from './program.js';

// A reader that went away (`burnrate serve | head`, a supervisor that closed its pipe) must not crash
// the process on its next log line: a gateway would die before flushing its ledger.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

process.exitCode = await run(process.argv);
