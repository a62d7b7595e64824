/**
 * Which files detection reads and which folders it never enters: the one list used by the workspace
 * scanner, the document cache, the editor's hover selector, the CLI and `hpstudio.scan.exclude`'s
 * default in package.json (a unit test keeps that copy equal to this one).
 */

/** File extensions (without the dot) that can hold ML configuration. */
export const CONFIG_EXTENSIONS: readonly string[] = ['yaml', 'yml', 'json', 'jsonc', 'toml', 'py', 'conf', 'cfg', 'ini', 'ipynb'];

/** Matches a path with one of CONFIG_EXTENSIONS. */
export const CONFIG_FILE = new RegExp(`\\.(${CONFIG_EXTENSIONS.join('|')})$`, 'i');

/** `**\/*.{yaml,yml,…}` for VS Code's findFiles and file watchers. */
export const CONFIG_GLOB = `**/*.{${CONFIG_EXTENSIONS.join(',')}}`;

/** VS Code language ids of documents that can hold ML configuration. */
export const CONFIG_LANGUAGE_IDS: readonly string[] = ['yaml', 'json', 'jsonc', 'toml', 'python', 'properties', 'ini'];

/** Folders never entered: VCS data, dependencies, virtualenvs, caches, build output, our own state. */
export const EXCLUDED_DIRS: readonly string[] = ['.git', 'node_modules', '.venv', 'venv', '__pycache__', 'dist', 'build', '.hpstudio', '.tox', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'site-packages', '.ipynb_checkpoints', '.idea', '.vscode-test'];

/** The same folders as globs (`**\/node_modules/**`), the form of `hpstudio.scan.exclude`. */
export const EXCLUDED_GLOBS: readonly string[] = EXCLUDED_DIRS.map(d => `**/${d}/**`);

const EXCLUDED_SEGMENT = new RegExp(`(^|[\\\\/])(${EXCLUDED_DIRS.map(d => d.replace(/\./g, '\\.')).join('|')})[\\\\/]`);

/** Is some folder of this path one of EXCLUDED_DIRS? */
export function inExcludedFolder(path: string): boolean {
  return EXCLUDED_SEGMENT.test(path);
}

export type ConfigLanguage = 'yaml' | 'json' | 'toml' | 'ini' | 'python';

/** The parser a file needs, from its extension; undefined for files detection does not read. */
export function configLanguage(path: string): ConfigLanguage | undefined {
  const p = path.toLowerCase();
  if (/\.ya?ml$/.test(p)) return 'yaml';
  if (/\.jsonc?$/.test(p)) return 'json';
  if (/\.toml$/.test(p)) return 'toml';
  if (/\.(conf|cfg|ini)$/.test(p)) return 'ini';
  if (/\.py$/.test(p)) return 'python';
  return undefined;
}
