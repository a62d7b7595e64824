import * as assert from 'node:assert/strict';
import type { DetectedFile, Setting, SourceRange } from '../../../src/core/detect/types';
import { computeFacts, describeSearch, judgeSearch, renderAmbiguity, renderExplanationPage, renderHover, renderPlainText } from '../../../src/core/hover';
import { allEntries, findEntry, getEntry } from '../../../src/core/knowledge';

let nextLine = 0;
const at = (line = nextLine++): SourceRange => ({ line, character: 0, endLine: line, endCharacter: 4 });

/** A setting as detection would report it (only the fields a test cares about need giving). */
function setting(key: string, canonical: string | null, value: unknown, extra: Partial<Setting> = {}): Setting {
  return { key, name: key.split('.').pop() ?? key, canonical, kind: 'hyperparameter', value, raw: typeof value === 'string' ? value : JSON.stringify(value), range: at(), ...extra };
}

const file = (format: string | null, settings: Setting[], path = 'config.yaml'): DetectedFile => ({ path, format, settings });
const lines = (md: string) => md.split('\n').filter(l => l.trim() !== '');
const URIS = { tune: 'command:hpstudio.tuneFile?%5B%22x%22%5D', explain: 'command:hpstudio.explainSetting?%5B%22learning_rate%22%5D' };

describe('renderHover: essentials first', () => {
  it('starts with title, kind badge and key, then the value and its assessment', () => {
    const lr = setting('learning_rate', 'learning_rate', 0.03, { raw: '0.03', framework: 'hf', optimizer: 'adamw' });
    const md = renderHover(lr, file('hf-training-args', [lr], 'training_args.json'), { commandUris: URIS });
    const l = lines(md);
    assert.match(l[0], /^\*\*Learning rate\*\* · \*Hyperparameter\* · `learning_rate`$/);
    assert.match(l[1], /Step size/);
    assert.match(l[2], /^\*\*Value:\*\* `0\.03`: ⚠ \*\*unusual\*\*: 3e-2 is high for AdamW \(HF Trainer\): published recipes use 1e-7 – 1e-3$/);
    assert.match(l[3], /^\*\*Why:\*\* published range from HF TrainingArguments \(learning\\_rate 5e-5\); alignment-handbook Zephyr recipes/);
    assert.ok(l.some(x => x.startsWith('↑ ') && x.includes(' · ↓ ')), 'raise/lower line');
    assert.ok(l.some(x => x === '**Default (HF Transformers):** 5e-5'), 'framework default');
    assert.ok(l.some(x => x.startsWith('⚠ It is coupled to batch size')), 'main pitfall');
    assert.equal(l[l.length - 1], `[Tune this…](${URIS.tune}) · [Explain more](${URIS.explain}) · [Docs](https://pytorch.org/docs/stable/optim.html)`);
  });

  it('stays within 12 lines even with a study and links', () => {
    const lr = setting('model.lr', 'learning_rate', 0.002, { framework: 'hydra' });
    const md = renderHover(lr, file('hydra', [lr]), {
      commandUris: URIS,
      study: { name: 'mnist', bestValue: 0.981, bestParamValue: 0.0031, rangeTried: [1e-4, 0.2], importanceRank: 1, parameterCount: 3, curvesCommandUri: 'command:hpstudio.showCurves' },
    });
    assert.ok(lines(md).length <= 12, `${lines(md).length} lines:\n${md}`);
    assert.ok(lines(md).length >= 8);
  });

  it('labels system settings and search settings', () => {
    const seed = setting('seed', 'seed', 42, { kind: 'system' });
    assert.match(renderHover(seed, file('hydra', [seed])), /\*System setting\*: not a model hyperparameter/);
    const method = setting('method', null, 'bayes', { kind: 'search-setting' });
    const md = renderHover(method, file('wandb-sweep', [method]));
    assert.match(md, /^\*\*method\*\* · \*Search setting\* · `method`/);
    assert.match(md, /Controls how the search runs/);
    const unknown = setting('frobnicate', null, 3);
    assert.match(renderHover(unknown, file('hydra', [unknown])), /No knowledge-base entry for `frobnicate`/);
  });

  it('shows a logged LR as read-only with its step and without a tune link', () => {
    const lr = setting('log_history[3].learning_rate', 'learning_rate', 4.5e-5, { kind: 'logged', framework: 'hf' });
    const step = setting('log_history[3].step', null, 40, { kind: 'logged' });
    const md = renderHover(lr, file('trainer-state', [step, lr], 'trainer_state.json'), { commandUris: URIS });
    assert.match(md, /\*Logged value\*: entry 3 of the run log, read-only/);
    assert.match(md, /\*\*logged LR at step 40:\*\* 4\.5e-5: produced by the run/);
    assert.doesNotMatch(md, /Tune this/);
    assert.doesNotMatch(md, /\*\*Value:\*\*/);
    assert.doesNotMatch(md, /\*\*Defaults?\b/);
  });

  it('uses the boosting meaning of learning_rate for tree models', () => {
    const eta = setting('eta', 'learning_rate', 1, { raw: '1.0', framework: 'xgboost' });
    const md = renderHover(eta, file('xgboost-conf', [eta], 'mushroom.conf'));
    assert.match(md, /^\*\*Learning rate \(boosting shrinkage\)\*\*/);
    assert.match(md, /`1\.0`: 1 is within published practice for gradient boosting: 1e-3 – 1 \(/);
    assert.match(md, /\*\*Why:\*\* range from XGBoost parameter docs/);
    assert.match(md, /\*\*Default \(XGBoost\):\*\* 0\.3 \(eta\)/);
    assert.match(md, /Re-tune the number of trees/);
  });

  it('resolves a name with no canonical id through the knowledge base', () => {
    const g = setting('gamma', null, 0.1, { framework: 'pytorch' });
    const md = renderHover(g, file('python', [g, setting('step_size', null, 30)], 'train.py'));
    assert.match(md, /^\*\*LR decay factor\*\*/);
    // Knowledge-base text is markdown of our own: its inline code must survive (not be escaped).
    assert.match(md, /StepLR\/MultiStepLR `gamma`/);
    assert.doesNotMatch(md, /\\`/);
  });
});

describe('renderHover: where the value really comes from', () => {
  it('names the HF argument behind a DeepSpeed "auto"', () => {
    const lr = setting('optimizer.params.lr', 'learning_rate', null, { raw: '"auto"', framework: 'deepspeed', origin: { kind: 'auto', text: "taken from the HF Trainer's TrainingArguments" } });
    const md = renderHover(lr, file('deepspeed', [lr], 'ds_config.json'));
    assert.match(md, /\*\*Value:\*\* `"auto"`: filled in at launch from the HF TrainingArguments \(`learning_rate`\)/);
  });

  it('explains ??? as mandatory and shows the override syntax', () => {
    const lr = setting('model.lr', 'learning_rate', null, { raw: '???', origin: { kind: 'mandatory', text: '???' } });
    assert.match(renderHover(lr, file('hydra', [lr])), /mandatory and missing here; .*`model\.lr=…`/);
  });

  it('shows a resolved reference with its source, and an unresolved one as such', () => {
    const resolved = setting('DataLoader.batch_size', 'batch_size', 128, { raw: 'BATCHSIZE', origin: { kind: 'reference', text: 'BATCHSIZE' } });
    assert.match(renderHover(resolved, file('python', [resolved], 'train.py')), /\*\*Value:\*\* \*\*128\*\*, taken from the reference `BATCHSIZE`/);
    const open = setting('trainer.max_epochs', 'epochs', null, { raw: '${epochs}', origin: { kind: 'reference', text: '${epochs}' } });
    assert.match(renderHover(open, file('hydra', [open])), /unresolved reference; the real value is set where `\$\{epochs\}` points/);
  });

  it('judges the start value of an RL Zoo schedule', () => {
    const lr = setting('CartPole-v1.learning_rate', 'learning_rate', 0.001, { raw: 'lin_0.001', framework: 'sb3', origin: { kind: 'schedule', text: 'linear schedule from 0.001 to 0' } });
    const md = renderHover(lr, file('rl-zoo', [lr], 'ppo.yml'));
    assert.match(md, /`lin_0\.001`: linear schedule from 0\.001 to 0 · start value 1e-3 is within published practice for on-policy RL \(PPO, A2C, TRPO\)/);
  });

  it('warns when PyYAML would read the value as a string', () => {
    const min = setting('parameters.lr.min', 'learning_rate', 1e-5, { raw: '1e-5' });
    assert.match(renderHover(min, file('wandb-sweep', [min], 'sweep.yaml')), /PyYAML reads `1e-5` as a string, not a number: write `1\.0e-5`/);
    assert.doesNotMatch(renderHover(min, file('hydra', [min], 'conf/config.yaml')), /PyYAML/);
  });
});

describe('renderHover: search ranges and study results', () => {
  it('describes sweep domains', () => {
    assert.equal(describeSearch({ type: 'float', low: 1e-5, high: 1e-1, log: true }), 'log-uniform 1e-5 … 1e-1');
    assert.equal(describeSearch({ type: 'float', low: 1e-5, high: 1e-1, log: true, source: 'log_uniform_values' }), 'log-uniform 1e-5 … 1e-1 (log_uniform_values)');
    assert.equal(describeSearch({ type: 'int', low: 1, high: 3 }), 'int 1 … 3');
    assert.equal(describeSearch({ type: 'float', low: 0.2, high: 0.5, step: 0.1 }), 'uniform 0.2 … 0.5 (step 0.1)');
    assert.equal(describeSearch({ type: 'categorical', choices: [16, 32, 64, 128] }), 'choice of 4: 16, 32, 64, 128');
    assert.equal(describeSearch({ type: 'categorical', choices: [1, 2, 3, 4, 5, 6, 7, 8] }), 'choice of 8: 1, 2, 3, 4, 5, 6, …');
  });

  it('shows the searched range instead of a value for swept settings', () => {
    const lr = setting('lr', 'learning_rate', null, { raw: 'trial.suggest_float("lr", 1e-5, 1e-1, log=True)', search: { type: 'float', low: 1e-5, high: 1e-1, log: true, source: 'suggest_float' } });
    const md = renderHover(lr, file('optuna', [lr], 'objective.py'));
    assert.match(md, /\*\*Searched:\*\* log-uniform 1e-5 … 1e-1 \(suggest\\_float\)/);
    assert.doesNotMatch(md, /\*\*Value:\*\*/);
  });

  it('judges search bounds and choices, quietly when they are fine', () => {
    const lr = getEntry('learning_rate');
    const dropout = getEntry('dropout');
    assert.ok(lr && dropout);
    assert.equal(judgeSearch(lr, { type: 'float', low: 1e-5, high: 1e-1, log: true }, {}), undefined);
    assert.equal(judgeSearch(lr, { type: 'float', low: 1e-5, high: 1e-1, log: true }, { optimizer: 'adamw' }), undefined);
    assert.equal(judgeSearch(lr, { type: 'float', low: 1e-2, high: 1e-1, log: true }, { framework: 'hf' }), '⚠ the whole range lies above the 1e-7 – 1e-3 published recipes use for AdamW (HF Trainer)');
    assert.equal(judgeSearch(lr, { type: 'float', low: 1e-6, high: 1e-5, log: true }, { optimizer: 'sgd' }), '⚠ the whole range lies below the 1e-4 – 20 published recipes use for SGD');
    assert.match(judgeSearch(lr, { type: 'float', low: -1, high: 1e-1 }, {}) ?? '', /^✖ lower bound -1 is invalid for learning rate \(it must be > 0\)/);
    assert.equal(judgeSearch(lr, { type: 'float', low: 0, high: 1e-1, log: true }, {}), '✖ a log-scale search needs a lower bound above 0, got 0');
    assert.equal(judgeSearch(lr, { type: 'float', low: 0.1, high: 0.01 }, {}), '✖ the lower bound 0.1 is above the upper bound 0.01');
    assert.equal(judgeSearch(dropout, { type: 'categorical', choices: [0.8] }, {}), 'fixed at 0.8: ⚠ 0.8 is unusual for dropout: published recipes use 0 – 0.6');
    assert.match(judgeSearch(dropout, { type: 'categorical', choices: [0.1, 0.3, 1.0] }, {}) ?? '', /^✖ choice 1: 1 is invalid for dropout \(it must be < 1\)/);
    assert.equal(judgeSearch(dropout, { type: 'float', low: 0.2, high: 0.5 }, {}), undefined);
  });

  it('adds the study line with best value, range tried, importance and a curves link', () => {
    const lr = setting('model.lr', 'learning_rate', 0.002);
    const md = renderHover(lr, file('hydra', [lr]), { study: { name: 'mnist-optuna', bestValue: 0.9812, bestParamValue: 0.0031, rangeTried: '1e-4 … 0.2 (log)', importanceRank: 1, parameterCount: 3, curvesCommandUri: 'command:hpstudio.showCurves?%5B%22mnist%22%5D' } });
    assert.match(md, /\*\*Study mnist-optuna:\*\* best 3\.1e-3 \(objective 0\.9812\) · tried 1e-4 … 0\.2 \(log\) · importance #1 of 3 · \[Show curves\]\(command:hpstudio\.showCurves\?%5B%22mnist%22%5D\)/);
  });

  it('a multi-objective study shows the range of the key on the Pareto front instead of one best', () => {
    const lr = setting('model.lr', 'learning_rate', 0.002);
    const front = { trials: 4, metrics: ['accuracy', 'model_mb'], values: [0.0005, 0.004] as const };
    const md = renderHover(lr, file('hydra', [lr]), { study: { name: 'mo', bestValue: 0.95, bestParamValue: 0.004, rangeTried: [1e-4, 0.2], front } });
    assert.match(md, /\*\*Study mo:\*\* 5e-4 … 4e-3 on the Pareto front \(4 trials trading off accuracy vs model\\_mb\) · tried 1e-4 … 0\.2/);
    assert.doesNotMatch(md, /best 4e-3/);
    const choice = renderHover(lr, file('hydra', [lr]), { study: { name: 'mo', bestValue: 0.95, bestParamValue: 'adam', rangeTried: '2 choices: adam, sgd', front: { ...front, values: '1 choice: adam' } } });
    assert.match(choice, /\*\*Study mo:\*\* 1 choice: adam on the Pareto front/);
  });
});

describe('computed facts from sibling settings', () => {
  it('DeepSpeed: train_batch_size = micro × accumulation × GPUs', () => {
    const micro = setting('train_micro_batch_size_per_gpu', 'batch_size', 4);
    const f = file('deepspeed', [micro, setting('gradient_accumulation_steps', 'grad_accumulation', 8), setting('train_batch_size', 'batch_size', 256)], 'ds_config.json');
    assert.deepEqual(computeFacts(micro, f).map(x => x.text), ['train_batch_size 256 = 4 (micro) × 8 (accumulation) × GPUs → 8 GPUs']);
  });

  it('DeepSpeed: flags inconsistent batch settings', () => {
    const micro = setting('train_micro_batch_size_per_gpu', 'batch_size', 3);
    const f = file('deepspeed', [micro, setting('gradient_accumulation_steps', 'grad_accumulation', 2), setting('train_batch_size', 'batch_size', 32)], 'ds_config.json');
    assert.match(computeFacts(micro, f)[0].text, /non-integer number of GPUs/);
  });

  it('HF: per-device batch × accumulation, devices unknown', () => {
    const bs = setting('per_device_train_batch_size', 'batch_size', 8);
    const f = file('hf-training-args', [bs, setting('gradient_accumulation_steps', 'grad_accumulation', 4)]);
    assert.deepEqual(computeFacts(bs, f), [{ label: 'Effective batch', text: '8 (micro) × 4 (accumulation) = 32 × number of devices', value: 32 }]);
  });

  it('Lightning: data batch × accumulate_grad_batches × devices × nodes', () => {
    const bs = setting('data.batch_size', 'batch_size', 32);
    const f = file('lightning-cli', [bs, setting('trainer.accumulate_grad_batches', 'grad_accumulation', 2), setting('trainer.devices', null, 4, { kind: 'system' }), setting('trainer.num_nodes', null, 2, { kind: 'system' })]);
    assert.equal(computeFacts(bs, f)[0].text, '32 (micro) × 2 (accumulation) × 4 (devices) × 2 (nodes) = 512');
  });

  it('counts devices given as a list or a comma string, and ignores "auto"', () => {
    const bs = setting('data.batch_size', 'batch_size', 16);
    const accum = setting('trainer.accumulate_grad_batches', 'grad_accumulation', 4);
    const withList = file('lightning-cli', [bs, accum, setting('trainer.devices', null, [0, 1, 2], { kind: 'system' })]);
    assert.equal(computeFacts(bs, withList)[0].text, '16 (micro) × 4 (accumulation) × 3 (devices) = 192');
    const withString = file('lightning-cli', [bs, accum, setting('trainer.gpus', null, '0,1', { kind: 'system' })]);
    assert.equal(computeFacts(bs, withString)[0].value, 128);
    const withAuto = file('lightning-cli', [bs, accum, setting('trainer.devices', null, 'auto', { kind: 'system' })]);
    assert.equal(computeFacts(bs, withAuto)[0].text, '16 (micro) × 4 (accumulation) = 64 × number of devices');
  });

  it('RL: n_steps × n_envs from the same environment block', () => {
    const steps = setting('CartPole-v1.n_steps', 'rollout_length', 32);
    const f = file('rl-zoo', [setting('atari.n_envs', 'n_envs', 8), setting('atari.n_steps', 'rollout_length', 128), setting('CartPole-v1.n_envs', 'n_envs', 8), steps]);
    assert.deepEqual(computeFacts(steps, f).map(x => x.value), [256]);
  });

  it('LoRA scale α / r and YOLO final LR', () => {
    const r = setting('lora_r', 'lora_rank', 32);
    const lora = file('axolotl', [r, setting('lora_alpha', 'lora_alpha', 16)]);
    assert.equal(computeFacts(r, lora)[0].text, 'α / r = 16 / 32 = 0.5');
    const lr0 = setting('lr0', 'learning_rate', 0.01, { framework: 'ultralytics' });
    const yolo = file('ultralytics', [lr0, setting('lrf', 'min_lr', 0.01)], 'hyp.scratch.yaml');
    assert.equal(computeFacts(lr0, yolo)[0].text, 'lr0 × lrf = 0.01 × 0.01 = 1e-4');
    assert.match(renderHover(lr0, yolo), /\*\*Final LR:\*\* lr0 × lrf = 0\.01 × 0\.01 = 1e-4/);
  });

  it('judges LoRA alpha against the rank of the same block', () => {
    const alpha = setting('lora_alpha', 'lora_alpha', 256);
    const md = renderHover(alpha, file('axolotl', [setting('lora_r', 'lora_rank', 8), alpha]));
    assert.match(md, /⚠ \*\*unusual\*\*: α 256 with r 8 scales adapter updates by α\/r = 32; published LoRA recipes keep α\/r between 0\.25 and 2/);
  });

  it('warns that Ultralytics ignores lr0 and momentum under optimizer: auto', () => {
    const lr0 = setting('lr0', 'learning_rate', 0.01, { framework: 'ultralytics' });
    const auto = file('ultralytics', [setting('optimizer', 'optimizer', 'auto'), lr0, setting('momentum', 'momentum', 0.937)], 'args.yaml');
    assert.match(renderHover(lr0, auto), /\*\*Ignored:\*\* optimizer: auto makes Ultralytics choose the optimizer, LR and momentum itself, so this lr0 is not used/);
    const sgd = file('ultralytics', [setting('optimizer', 'optimizer', 'SGD'), lr0], 'args.yaml');
    assert.doesNotMatch(renderHover(lr0, sgd), /Ignored/);
  });

  it('computes nothing when a sibling is missing or not numeric', () => {
    const r = setting('lora_r', 'lora_rank', 32);
    assert.deepEqual(computeFacts(r, file('axolotl', [r])), []);
    assert.deepEqual(computeFacts(r, file('axolotl', [r, setting('lora_alpha', 'lora_alpha', 'auto')])), []);
  });
});

describe('renderHover: odd input', () => {
  it('escapes markdown and keeps huge values short', () => {
    const s = setting('weird`key*', null, 'x'.repeat(10_000), { raw: '`'.repeat(3) + 'y'.repeat(10_000) });
    const md = renderHover(s, file('hydra', [s]));
    assert.ok(md.length < 1500, `length ${md.length}`);
    assert.match(md, /``/);
  });

  it('renders every entry as a page and as plain text', () => {
    for (const entry of allEntries()) {
      const page = renderExplanationPage(entry);
      assert.ok(page.startsWith(`# ${entry.title}`) && page.includes(entry.docs[0]), entry.id);
      const text = renderPlainText(entry);
      assert.ok(text.includes(`(${entry.id})`) && text.includes(entry.pitfalls[0]), entry.id);
    }
  });

  it('renders every knowledge-base entry as a hover without throwing', () => {
    for (const entry of allEntries()) {
      const s = setting(entry.aliases[0], entry.id, 1);
      const md = renderHover(s, file('hydra', [s]), { commandUris: URIS });
      assert.ok(md.includes('[Docs](https://'), entry.id);
    }
  });
});

describe('explanation page and plain text', () => {
  it('renders the full page with every section', () => {
    const entry = getEntry('weight_decay');
    assert.ok(entry);
    const md = renderExplanationPage(entry);
    for (const heading of ['# Weight decay', '## Typical range', '## Effects', '## Defaults', '## Pitfalls', '## Also written as', '## Documentation']) assert.ok(md.includes(heading), heading);
    assert.match(md, /\| PyTorch \| 0 \(SGD, Adam\); 1e-2 \(AdamW\) \|/);
    assert.match(md, /- AdamW: 1e-7 – 0\.5 \(0\.01 PyTorch default; 0\.05 Swin, 0\.1 GPT, 0\.3 ViT\) \[log scale; from torch\.optim\.AdamW \(0\.01\)/);
  });

  it('opens the page with the verdict on the hovered value when given one', () => {
    const entry = getEntry('dropout');
    assert.ok(entry);
    const md = renderExplanationPage(entry, { value: '0.7', assessment: { level: 'unusual', message: '0.7 is unusual for dropout: published recipes use 0 – 0.6', why: 'Srivastava et al. 2014' } });
    assert.match(md, /## Your value\n\n`0\.7`: \*\*unusual\*\*: 0\.7 is unusual for dropout: published recipes use 0 – 0\.6\n\nWhy: Srivastava et al\. 2014/);
    assert.ok(md.indexOf('## Your value') < md.indexOf('## Typical range'));
    assert.doesNotMatch(renderExplanationPage(entry), /Your value/);
  });

  it('renders plain text without markdown emphasis and marks the chosen framework', () => {
    const entry = getEntry('learning_rate');
    assert.ok(entry);
    const text = renderPlainText(entry, { framework: 'xgboost' });
    assert.doesNotMatch(text, /\*\*/);
    assert.match(text, /^Learning rate \(boosting shrinkage\) \(learning_rate\)/);
    assert.match(text, /^ \*XGBoost\s+0\.3 \(eta\)$/m);
  });

  it('lists each meaning of an ambiguous name and how to choose', () => {
    const r = findEntry('gamma');
    assert.ok(r.status === 'ambiguous');
    const text = renderAmbiguity('gamma', r.candidates);
    assert.match(text, /"gamma" has 4 meanings/);
    for (const id of ['lr_decay_factor', 'min_split_gain', 'rbf_gamma', 'discount_factor']) assert.ok(text.includes(id), id);
    assert.match(text, /--framework/);
  });
});
