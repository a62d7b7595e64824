import * as assert from 'node:assert/strict';
import { CONTRACT_IDS } from '../../../src/core/knowledge/contractIds';
import { runCli } from '../../../src/cli/main';
import { captureIO } from '../cli/capture';

const capture = () => captureIO();

async function run(...argv: string[]) {
  const c = capture();
  const code = await runCli(argv, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('hpstudio explain', () => {
  it('is listed in the top-level help', async () => {
    const r = await run('--help');
    assert.match(r.out, /^\s+explain\s+explain a hyperparameter/m);
  });

  it('explains an alias and judges a value in context', async () => {
    const r = await run('explain', 'lr', '--framework', 'hf', '--value', '3e-2');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Learning rate \(learning_rate\) — Hyperparameter$/m);
    assert.match(r.out, /^Value 3e-2: UNUSUAL — 3e-2 is high for AdamW \(HF Trainer\): published recipes use 1e-7 – 1e-3$/m);
    assert.match(r.out, /^Why: HF TrainingArguments \(learning_rate 5e-5\)/m);
    assert.match(r.out, /^ \*HF Transformers\s+5e-5$/m);
    assert.match(r.out, /^Docs: https:\/\//m);
    assert.equal(r.err, '');
  });

  it('uses the boosting meaning for eta even without --framework', async () => {
    const r = await run('explain', 'eta', '--value', '0.3');
    assert.equal(r.code, 0);
    assert.match(r.out, /^Learning rate \(boosting shrinkage\)/);
    assert.match(r.out, /Value 0\.3: OK — 0\.3 is within published practice for gradient boosting: 1e-3 – 1/);
  });

  it('judges schedules, placeholders and lists', async () => {
    assert.match((await run('explain', 'learning_rate', '--framework', 'sb3', '--value', 'lin_0.001')).out, /Value lin_0\.001: OK — linear schedule from 1e-3 down to 0/);
    assert.match((await run('explain', 'lr', '--framework', 'deepspeed', '--value', 'auto')).out, /Value auto: OK — "auto": DeepSpeed fills this in/);
    assert.match((await run('explain', 'betas', '--value', '[0.9, 1.0]')).out, /Value \[0\.9, 1\.0\]: INVALID — β2: 1 is invalid/);
    assert.match((await run('explain', 'dropout', '--value', '0.7')).out, /Value 0\.7: UNUSUAL — 0\.7 is unusual for dropout: published recipes use 0 – 0\.6$/m);
  });

  it('lists the meanings of an ambiguous name and exits 0', async () => {
    const r = await run('explain', 'gamma');
    assert.equal(r.code, 0);
    assert.match(r.out, /"gamma" has 4 meanings/);
    for (const id of ['lr_decay_factor', 'min_split_gain', 'rbf_gamma', 'discount_factor']) assert.match(r.out, new RegExp(`^  ${id} — `, 'm'));
    assert.match(r.out, /--framework/);
  });

  it('accepts framework names as people write them', async () => {
    const r = await run('explain', 'gamma', '--framework', 'XGBoost', '--json');
    assert.equal((JSON.parse(r.out) as { id: string }).id, 'min_split_gain');
    const t = await run('explain', 'lr', '--framework', 'transformers', '--value', '3e-2');
    assert.match(t.out, /AdamW \(HF Trainer\)/);
    const s = await run('explain', 'gamma', '--framework', 'stable-baselines3', '--json');
    assert.equal((JSON.parse(s.out) as { id: string }).id, 'discount_factor');
  });

  it('settles an ambiguous name with --framework', async () => {
    const r = await run('explain', 'gamma', '--framework', 'xgboost', '--json');
    assert.equal(r.code, 0);
    assert.equal((JSON.parse(r.out) as { id: string }).id, 'min_split_gain');
    const amb = JSON.parse((await run('explain', 'gamma', '--json')).out) as { ambiguous: boolean; meanings: Array<{ id: string; appliesWhen: string }> };
    assert.equal(amb.ambiguous, true);
    assert.equal(amb.meanings.length, 4);
    assert.ok(amb.meanings.every(m => m.appliesWhen));
  });

  it('rejects an unknown name with one line, exit 1 and a suggestion', async () => {
    const r = await run('explain', 'lerning_rate');
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.match(r.err, /no hyperparameter or setting named "lerning_rate" — did you mean learning_rate/);
    const none = await run('explain', 'qqqqzzzz');
    assert.equal(none.code, 1);
    assert.match(none.err, /see `hpstudio explain --all`/);
  });

  it('prints one entry as JSON with its assessment', async () => {
    const r = await run('explain', 'lr', '--optimizer', 'sgd', '--value', '0.1', '--json');
    assert.equal(r.code, 0);
    const json = JSON.parse(r.out) as { id: string; assessment: { level: string; message: string }; aliases: string[]; explanation: string };
    assert.equal(json.id, 'learning_rate');
    assert.equal(json.assessment.level, 'ok');
    assert.match(json.assessment.message, /SGD/);
    assert.ok(json.aliases.includes('lr0'));
  });

  it('--all --json prints every entry with all required fields non-empty', async () => {
    const r = await run('explain', '--all', '--json');
    assert.equal(r.code, 0);
    const all = JSON.parse(r.out) as Array<Record<string, unknown>>;
    const referenceIds = new Set(CONTRACT_IDS);
    const ids = new Set(all.map(e => e.id));
    for (const id of referenceIds) assert.ok(ids.has(id), `missing ${id}`);
    for (const e of all) {
      assert.deepEqual(Object.keys(e).sort(), ['defaults', 'docs', 'effects', 'id', 'kind', 'pitfalls', 'range', 'summary', 'title']);
      for (const [field, v] of Object.entries(e)) {
        const empty = v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
        assert.ok(!empty, `${String(e.id)}.${field} is empty`);
      }
      assert.ok(e.kind === 'hyperparameter' || e.kind === 'system', String(e.id));
    }
  });

  it('--all without --json prints one line per id', async () => {
    const r = await run('explain', '--all');
    assert.equal(r.code, 0);
    assert.match(r.out, /^learning_rate\s+Step size/m);
    assert.match(r.out, /^seed\s+\[system\] /m);
  });

  it('reports bad arguments with exit code 2', async () => {
    for (const argv of [[], ['a', 'b'], ['--all', 'lr'], ['--all', '--value', '1'], ['lr', '--value', '[0.9'], ['lr', '--nope'], ['x'.repeat(500)]]) {
      const r = await run('explain', ...argv);
      assert.equal(r.code, 2, `${argv.join(' ')} → ${r.err}`);
      assert.match(r.err, /^hpstudio explain: /);
    }
  });

  it('prints usage with --help', async () => {
    const r = await run('explain', '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /^Usage: hpstudio explain <id-or-alias>/);
  });
});
