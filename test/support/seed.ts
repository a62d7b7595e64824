/**
 * Loaded by mocha before every unit and integration test file (.mocharc.json `require`): one seed for
 * every property test, so a run is repeatable, and the seed printed next to any failure.
 *
 *   HPSTUDIO_TEST_SEED=1234 npx mocha …   reruns with the seed a failure printed
 *   HPSTUDIO_TEST_SEED=random npx mocha … explores a fresh seed (printed at the start)
 *
 * fast-check draws every generated value from this seed (fc.configureGlobal); tests that need other
 * randomness use the project's seeded generator (src/core/search/rng.ts), never Math.random.
 */
import * as path from 'node:path';
import fc from 'fast-check';

const DEFAULT_SEED = 20261206;

function chooseSeed(): number {
  const raw = process.env.HPSTUDIO_TEST_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  if (raw === 'random') return (Date.now() ^ (process.pid << 16)) | 0;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`HPSTUDIO_TEST_SEED must be an integer or "random", got ${JSON.stringify(raw)}`);
  return seed | 0;
}

export const TEST_SEED = chooseSeed();
fc.configureGlobal({ seed: TEST_SEED });
if (process.env.HPSTUDIO_TEST_SEED === 'random') console.log(`test seed ${TEST_SEED} (rerun with HPSTUDIO_TEST_SEED=${TEST_SEED})`);

export const mochaHooks = {
  afterEach(this: Mocha.Context): void {
    const test = this.currentTest;
    if (test?.state === 'failed') console.log(`      ↳ test seed ${TEST_SEED}: rerun with HPSTUDIO_TEST_SEED=${TEST_SEED} npx mocha ${path.relative(process.cwd(), test.file ?? "")} -g ${JSON.stringify(test.title)}`);
  },
};
