// Preloaded with `node -r` by cli-startup.bench.ts: prints the process's CPU time (user + system, µs) at exit.
'use strict';
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\ncpu-us ${u.user + u.system}\n`);
});
