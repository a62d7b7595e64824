// Lint enforces the layering: `vscode` may only be imported under src/extension (and the in-host
// tests); src/core and media stay pure so they run in plain Node, the worker, the CLI and the browser.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'src/core, src/cli, src/worker and media/ must not depend on the VS Code API; inject a narrow port from src/extension instead.' }],
  }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'media/build/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'examples/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: Object.fromEntries([
      'console', 'process', 'require', 'module', 'exports', '__dirname', '__filename', 'Buffer', 'URL', 'URLSearchParams', 'fetch',
      'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'structuredClone',
      'AbortController', 'AbortSignal', 'TextEncoder', 'TextDecoder', 'performance', 'window', 'document',
    ].map(name => [name, 'readonly'])) },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['src/core/**', 'src/cli/**', 'src/worker/**', 'media/**'], rules: noVscode },
  // The curves store computes a multi-objective study's Pareto front once per change of the trials;
  // its views take it (`store.pareto()`, `paretoPlotOf`, `rankedPoints`) instead of computing their own.
  { files: ['media/curves/views/**'], rules: { 'no-restricted-imports': ['error', {
    paths: [
      ...noVscode['no-restricted-imports'][1].paths,
      ...['../../../src/core/analysis', '../../../src/core/analysis/pareto'].map(name => ({ name, importNames: ['paretoPlot', 'paretoData'], message: 'Take the store\'s front: store.pareto() with paretoPlotOf or rankedPoints.' })),
      { name: '../../../src/core/search/pareto', importNames: ['paretoFront', 'nonDominatedRanks', 'nonDominatedFronts', 'hypervolumeHistory'], message: 'Take the store\'s front: store.pareto() with paretoPlotOf or rankedPoints.' },
    ],
  }] } },
  // Mocha's globals in the JavaScript UI tests; getComputedStyle runs inside page.evaluate callbacks.
  { files: ['test/**/*.js'], languageOptions: { globals: Object.fromEntries(['describe', 'it', 'before', 'after', 'beforeEach', 'afterEach', 'getComputedStyle'].map(n => [n, 'readonly'])) } },
  // TypeScript itself checks undefined names in .ts files (and knows DOM/Node types); no-undef only misfires there.
  { files: ['**/*.ts'], rules: { 'no-undef': 'off' } },
  // Tests must never be committed focused: a stray .only would silently skip the rest of the suite.
  { files: ['test/**'], rules: { 'no-restricted-properties': ['error', { object: 'describe', property: 'only' }, { object: 'it', property: 'only' }, { object: 'suite', property: 'only' }, { object: 'test', property: 'only' }] } },
);
