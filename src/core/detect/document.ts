/**
 * `detectDocument`: the one detection of a file that the editor (hovers, sidebar, diagnostics) and the
 * CLI (`hpstudio detect`) share. On top of `detectFile` it follows what a config inherits — mmengine
 * `_base_` files and Detectron2 LazyConfig relative imports — and applies the user's vocabulary file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectFile, DEFAULT_MAX_BYTES, type DetectOptions } from './detect';
import { configLanguage } from './files';
import type { DetectedFile } from './types';
import { applyVocabulary, VOCABULARY_FILE, type UserVocabulary } from './userVocabulary';
import { withLazyImports, withMmengineBases } from './workspace';

export interface DocumentOptions extends DetectOptions {
  /** Reads another file of the workspace (a `_base_` or an imported module); undefined when it cannot. */
  readonly read?: (path: string) => string | undefined;
  /** The workspace's `.hpstudio/vocabulary.yaml`, already parsed. */
  readonly vocabulary?: UserVocabulary;
  /** The path the vocabulary's `files:` globs are matched against (relative to the workspace folder). */
  readonly relativePath?: string;
}

export function detectDocument(path: string, text: string, options: DocumentOptions = {}): DetectedFile {
  let result = detectFile(path, text, options);
  if (options.read && !result.error && configLanguage(path) === 'python') {
    result = withLazyImports(path, text, withMmengineBases(path, text, result, options.read), options.read);
  }
  return options.vocabulary ? applyVocabulary(result, options.vocabulary, options.relativePath ?? path) : result;
}

/** The nearest `.hpstudio/vocabulary.yaml` at or above `dir`, if any. */
export function findVocabularyFile(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const candidate = path.join(d, VOCABULARY_FILE);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Reads files from disk up to a size cap; undefined for anything missing, unreadable or too big. */
export function diskReader(maxBytes = DEFAULT_MAX_BYTES): (path: string) => string | undefined {
  return p => {
    try {
      return fs.statSync(p).size <= maxBytes ? fs.readFileSync(p, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
}
