/**
 * Preloaded into a server under test (`node --require dist/bench/profile-hook.js …`) when
 * BENCH_PROFILE_OUT is set: the first SIGUSR2 starts V8's CPU profiler, the second stops it and writes the
 * profile to that file. So a profile covers exactly the measured load: no start-up, no warm-up.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const out = process.env.BENCH_PROFILE_OUT;
if (out) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      writeFileSync(out, error ? JSON.stringify({ error: error.message }) : JSON.stringify(result.profile));
    });
  });
}
