/**
 * Detection quality on real public configs (test/fixtures/realworld, hand-labelled), next to the speed
 * figures of detect.bench.ts: recall with the right canonical id, non-hyperparameter lines labelled
 * `hyperparameter`, non-ML files with any hyperparameter, wrong formats and crashes, for the tuned and
 * the held-out part. Writes test-results/bench/detect-quality.json.
 *
 *   npm run bench -- detect-quality            (SHOW=1 also lists the tuned part's misses)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCorpus, percent, summary } from '../realworld/corpus';
import { scoreCorpus } from '../realworld/run';

const started = process.hrtime.bigint();
const { tuned, heldout } = scoreCorpus();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const files = loadCorpus();
const repos = new Set(files.map(f => f.fixture.split(/[\\/]/)[0])).size;
console.log(`corpus: ${files.length} files from ${repos} repositories (scored in ${ms.toFixed(0)} ms)`);
console.log(summary('tuned', tuned));
console.log(summary('held-out', heldout));
if (process.env.SHOW) console.log([...tuned.misses, ...tuned.mislabels, ...tuned.formatErrors].join('\n'));
const figures = (s: typeof tuned) => ({
  files: s.files, hyperparameters: s.hyperparameters, recallWithId: s.foundWithId / s.hyperparameters, recallAnyId: s.foundAny / s.hyperparameters,
  nonHyperparameters: s.nonHyperparameters, mislabelRate: s.mislabelled / s.nonHyperparameters, nonMlFiles: s.negativeFiles, nonMlFilesWithHp: s.negativeFilesWithHp,
  wrongFormats: s.wrongFormats, errors: s.errors, text: { recall: percent(s.foundWithId, s.hyperparameters), mislabels: percent(s.mislabelled, s.nonHyperparameters) },
});
const out = path.resolve(__dirname, '../../test-results/bench');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'detect-quality.json'), `${JSON.stringify({ files: files.length, repositories: repos, tuned: figures(tuned), heldout: figures(heldout) }, null, 2)}\n`);
