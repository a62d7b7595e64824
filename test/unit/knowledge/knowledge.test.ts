import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { allEntries, findEntry, getEntry, normalizeName, suggest, FRAMEWORK_LABELS, type KnowledgeEntry } from '../../../src/core/knowledge';
import { CONTRACT_IDS } from '../../../src/core/knowledge/contractIds';
import { knownCanonicalIds } from '../../../src/core/detect';
import { DOC_PATH, renderIdsDoc, renderVocabularySchema, SCHEMA_PATH } from '../../../scripts/hyperparameter-ids';

/** The canonical ids promised from the first release; docs/hyperparameters.md documents them with the rest. */
const CONTRACT = new Set(CONTRACT_IDS);

function sentences(text: string): number {
  // Sentence ends: ".", "!" or "?" followed by whitespace or the end; abbreviations do not count.
  const ends = (text.match(/[.!?](?=\s+\S|\s*$)/g) ?? []).length;
  const abbreviations = (text.match(/\b(e\.g|i\.e|vs|etc)\.(?=\s)/g) ?? []).length;
  return ends - abbreviations;
}

describe('knowledge base: coverage of the canonical ids', () => {
  it('keeps all 105 contract ids, learning_rate and the two extras among them', () => {
    assert.equal(CONTRACT.size, 105);
    assert.equal(CONTRACT_IDS.length, 105, 'no id listed twice');
    for (const id of ['learning_rate', 'adam_betas', 'subsample_freq']) assert.ok(CONTRACT.has(id), id);
  });

  it('has an entry for each contract id', () => {
    const missing = [...CONTRACT].filter(id => !getEntry(id));
    assert.deepEqual(missing, []);
  });

  it('has an entry for every id detection can report', () => {
    assert.deepEqual([...knownCanonicalIds()].filter(id => !getEntry(id)), []);
  });

  it('documents every id in docs/hyperparameters.md and the vocabulary schema, generated from these entries', () => {
    assert.equal(readFileSync(DOC_PATH, 'utf8'), renderIdsDoc(), 'run node -r esbuild-register scripts/hyperparameter-ids.ts');
    assert.equal(readFileSync(SCHEMA_PATH, 'utf8'), renderVocabularySchema(), 'run node -r esbuild-register scripts/hyperparameter-ids.ts');
    for (const e of allEntries()) assert.match(readFileSync(DOC_PATH, 'utf8'), new RegExp(`\\| \`${e.id}\``), e.id);
  });

  it('has unique snake_case ids', () => {
    const ids = allEntries().map(e => e.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z][a-z0-9_]*$/);
  });
});

describe('knowledge base: every entry is complete and well-formed', () => {
  for (const entry of allEntries()) {
    it(entry.id, () => checkEntry(entry));
  }
});

function checkEntry(e: KnowledgeEntry): void {
  assert.ok(e.title.trim(), 'title');
  assert.ok(e.summary.trim() && !e.summary.includes('\n') && e.summary.length <= 160, `summary is one short line (${e.summary.length})`);
  const n = sentences(e.explanation);
  assert.ok(n >= 2 && n <= 4, `explanation has 2–4 sentences, found ${n}`);
  assert.ok(e.kind === 'hyperparameter' || e.kind === 'system');
  if (e.section === 'systems') assert.equal(e.kind, e.id === 'eval_batch_size' || e.section === 'systems' ? 'system' : e.kind);
  assert.ok(e.aliases.length > 0, 'aliases');
  for (const r of [e.range, ...(e.ranges ?? [])]) {
    // Every range says where its bounds come from (shown as the hover's "why").
    assert.ok(r.source.trim().length > 10, `range ${r.label ?? ''} names its source`);
    if (r.scale === 'categorical' || r.scale === 'list' || r.scale === 'bool') {
      assert.ok(r.text?.trim(), 'categorical range text');
      assert.ok(Array.isArray(r.choices), `${r.scale} range lists its choices`);
    } else {
      // Numeric ranges carry numbers only: messages print the bounds, so text cannot disagree with them.
      assert.equal(r.text, undefined, `numeric range ${r.label ?? ''} has bounds, not a free text`);
      assert.ok(Number.isFinite(r.low) && Number.isFinite(r.high), 'numeric range has finite bounds');
      assert.ok((r.low as number) < (r.high as number), `range low < high (${r.low} < ${r.high})`);
      if (r.note) assert.ok(!/^\s*[-\d.e]+\s*[–-]\s*[-\d.e]+\s*$/.test(r.note), `note "${r.note}" adds words, not a second range`);
    }
  }
  for (const r of e.ranges ?? []) assert.ok(r.label && r.when, 'context ranges carry a label and a condition');
  assert.ok(e.effects.raise.trim() && e.effects.lower.trim(), 'effects');
  assert.ok(e.pitfalls.length >= 1 && e.pitfalls.every(p => p.trim().length > 10), 'pitfalls');
  const defaults = Object.entries(e.defaults);
  assert.ok(defaults.length >= 1, 'defaults');
  for (const [fw, text] of defaults) {
    assert.ok(fw in FRAMEWORK_LABELS, `known framework ${fw}`);
    assert.ok(String(text).trim(), `default text for ${fw}`);
  }
  assert.ok(e.docs.length >= 1, 'docs');
  for (const url of e.docs) {
    const parsed = new URL(url);
    assert.equal(parsed.protocol, 'https:', url);
    assert.ok(parsed.hostname.includes('.'), url);
  }
  if (e.valid?.min !== undefined && e.valid.max !== undefined) assert.ok(e.valid.min < e.valid.max);
}

describe('knowledge base: defaults checked against the framework docs', () => {
  // [id, framework, text the default must contain]
  const table: Array<[string, string, string]> = [
    ['learning_rate', 'hf', '5e-5'],
    ['learning_rate', 'pytorch', '1e-3'],
    ['learning_rate', 'keras', '1e-3'],
    ['learning_rate', 'xgboost', '0.3'],
    ['learning_rate', 'lightgbm', '0.1'],
    ['learning_rate', 'sb3', '3e-4'],
    ['learning_rate', 'ultralytics', '0.01'],
    ['optimizer_eps', 'keras', '1e-7'],
    ['optimizer_eps', 'pytorch', '1e-8'],
    ['min_child_weight', 'lightgbm', '1e-3'],
    ['min_child_weight', 'xgboost', '1'],
    ['n_estimators', 'xgboost', '10 (xgb.train'],
    ['n_estimators', 'catboost', '1000'],
    ['num_leaves', 'lightgbm', '31'],
    ['max_depth', 'lightgbm', '-1'],
    ['reg_lambda', 'catboost', '3'],
    ['max_bin', 'lightgbm', '255'],
    ['dropout', 'pytorch', '0.5'],
    ['weight_decay', 'pytorch', '1e-2 (AdamW)'],
    ['grad_clip_norm', 'hf', '1.0'],
    ['discount_factor', 'sb3', '0.99'],
    ['gae_lambda', 'sb3', '0.95'],
    ['clip_range', 'sb3', '0.2'],
    ['momentum', 'ultralytics', '0.937'],
    ['lora_rank', 'peft', '8'],
    ['seed', 'hf', '42'],
    ['sharding', 'deepspeed', '0'],
    ['svm_c', 'sklearn', '1.0'],
    ['n_clusters', 'sklearn', '8'],
  ];
  for (const [id, fw, expected] of table) {
    it(`${id} / ${fw} default mentions ${expected}`, () => {
      const text = (getEntry(id)?.defaults as Record<string, string> | undefined)?.[fw];
      assert.ok(text, `${id} has a ${fw} default`);
      assert.ok(text.includes(expected), `"${text}" should mention ${expected}`);
    });
  }

  it('systems-section ids are labelled system settings, the rest hyperparameters', () => {
    for (const id of ['num_workers', 'num_threads', 'precision', 'seed', 'grad_checkpointing', 'sharding', 'compile']) assert.equal(getEntry(id)?.kind, 'system', id);
    for (const id of ['learning_rate', 'dropout', 'n_estimators', 'discount_factor', 'image_size']) assert.equal(getEntry(id)?.kind, 'hyperparameter', id);
  });

  it('each meaning of gamma says where it applies', () => {
    for (const id of ['lr_decay_factor', 'min_split_gain', 'rbf_gamma', 'discount_factor']) assert.ok(getEntry(id)?.appliesWhen, id);
  });
});

describe('findEntry', () => {
  it('finds exact ids first', () => {
    const r = findEntry('learning_rate');
    assert.equal(r.status, 'found');
    assert.equal(r.status === 'found' && r.via, 'id');
  });

  it('matches aliases case-, dash- and underscore-insensitively', () => {
    for (const name of ['lr', 'LR', 'Learning-Rate', 'learning_rate', '--lr', 'BASE_LR', 'lr0', 'per_device_train_batch_size', 'Per-Device-Train-Batch-Size']) {
      const r = findEntry(name);
      assert.equal(r.status, 'found', name);
    }
    const r = findEntry('num-leaves');
    assert.ok(r.status === 'found' && r.entry.id === 'num_leaves');
  });

  it('falls back to the last segment of dotted keys and pipeline names', () => {
    const lr = findEntry('model.optimizer.lr');
    assert.ok(lr.status === 'found' && lr.entry.id === 'learning_rate');
    const c = findEntry('clf__C');
    assert.ok(c.status === 'found' && c.entry.id === 'svm_c');
  });

  it('returns all four meanings of gamma without context', () => {
    const r = findEntry('gamma');
    assert.equal(r.status, 'ambiguous');
    assert.deepEqual(r.status === 'ambiguous' && r.candidates.map(c => c.id).sort(), ['discount_factor', 'lr_decay_factor', 'min_split_gain', 'rbf_gamma']);
  });

  const gammaCases: Array<[string, Parameters<typeof findEntry>[1], string]> = [
    ['xgboost', { framework: 'xgboost' }, 'min_split_gain'],
    ['sklearn', { framework: 'sklearn' }, 'rbf_gamma'],
    ['sb3', { framework: 'sb3' }, 'discount_factor'],
    ['pytorch', { framework: 'pytorch' }, 'lr_decay_factor'],
    ['a scheduler parent key', { key: 'model.lr_scheduler.gamma' }, 'lr_decay_factor'],
    ['mmengine param_scheduler', { key: 'param_scheduler[1].gamma' }, 'lr_decay_factor'],
    ['SVM siblings', { siblings: ['C', 'kernel'] }, 'rbf_gamma'],
    ['RL siblings', { siblings: ['gae_lambda', 'ent_coef', 'n_steps'] }, 'discount_factor'],
    ['XGBoost siblings', { siblings: ['eta', 'max_depth', 'subsample'] }, 'min_split_gain'],
    ['siblings beat a wrong framework guess', { framework: 'pytorch', siblings: ['eta', 'max_depth', 'min_child_weight'] }, 'min_split_gain'],
  ];
  for (const [label, ctx, expected] of gammaCases) {
    it(`resolves gamma from ${label}`, () => {
      const r = findEntry('gamma', ctx);
      assert.equal(r.status, 'found');
      assert.equal(r.status === 'found' && r.entry.id, expected);
    });
  }

  it('resolves other shared names with context', () => {
    const alpha = findEntry('alpha', { framework: 'xgboost' });
    assert.ok(alpha.status === 'found' && alpha.entry.id === 'reg_alpha');
    const ridge = findEntry('alpha', { framework: 'sklearn' });
    assert.ok(ridge.status === 'found' && ridge.entry.id === 'regularization_alpha');
    const eps = findEntry('eps', { siblings: ['min_samples'] });
    assert.ok(eps.status === 'found' && eps.entry.id === 'dbscan_eps');
    const depth = findEntry('depth', { framework: 'catboost' });
    assert.ok(depth.status === 'found' && depth.entry.id === 'max_depth');
    assert.equal(findEntry('alpha').status, 'ambiguous');
  });

  it('every alias leads back to its entry (directly or as one of the candidates)', () => {
    for (const entry of allEntries()) {
      for (const alias of entry.aliases) {
        const r = findEntry(alias);
        const ok = (r.status === 'found' && (r.entry.id === entry.id || r.via === 'id')) || (r.status === 'ambiguous' && r.candidates.includes(entry));
        assert.ok(ok, `${alias} → ${entry.id} (got ${r.status})`);
      }
    }
  });

  it('suggests close names for typos and nothing for garbage', () => {
    const r = findEntry('lerning_rate');
    assert.equal(r.status, 'unknown');
    assert.ok(r.status === 'unknown' && r.suggestions[0] === 'learning_rate', JSON.stringify(r));
    assert.ok(suggest('dropuot').some(s => s.startsWith('dropout')));
    assert.deepEqual(suggest(''), []);
    const junk = findEntry('zzzzqqqqxxxx');
    assert.ok(junk.status === 'unknown' && junk.suggestions.length === 0);
  });

  it('copes with huge and odd input', () => {
    const huge = findEntry('x'.repeat(100_000));
    assert.equal(huge.status, 'unknown');
    assert.equal(findEntry('   ').status, 'unknown');
    assert.equal(findEntry('💥').status, 'unknown');
    assert.equal(normalizeName('  --Warmup-Ratio '), 'warmupratio');
  });
});
