// @ts-check
// A test-only stand-in registered under the Python extension's id (ms-python.python). It implements
// exactly the API surface Hyperparameter Studio uses, with the shapes of @vscode/python-extension's
// types: environments.getActiveEnvironmentPath, resolveEnvironment, onDidChangeActiveEnvironmentPath,
// plus updateActiveEnvironmentPath, which the tests call as the "Python: Select Interpreter" command
// would. resolveEnvironment asks the interpreter itself for its version and prefix.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

/** @type {{ id: string, path: string }} what the real extension reports before anything is selected */
let active = { id: 'DEFAULT_PYTHON', path: 'python' };
const changed = new vscode.EventEmitter();

function resolve(env) {
  const p = typeof env === 'string' ? env : env && env.path;
  if (typeof p !== 'string' || !path.isAbsolute(p) || !fs.existsSync(p)) return undefined;
  const out = execFileSync(p, ['-c', 'import json, sys; print(json.dumps([list(sys.version_info[:3]), sys.prefix, sys.version]))'], { encoding: 'utf8' });
  const [[major, minor, micro], sysPrefix, sysVersion] = JSON.parse(out);
  const conda = fs.existsSync(path.join(path.dirname(path.dirname(p)), 'conda-meta'));
  const venv = fs.existsSync(path.join(path.dirname(path.dirname(p)), 'pyvenv.cfg'));
  const folder = path.dirname(path.dirname(p));
  return {
    id: p,
    path: p,
    executable: { uri: vscode.Uri.file(p), bitness: '64-bit', sysPrefix },
    environment: conda || venv ? { type: conda ? 'Conda' : 'VirtualEnvironment', name: path.basename(folder), folderUri: vscode.Uri.file(folder), workspaceFolder: undefined } : undefined,
    version: { major, minor, micro, release: { level: 'final', serial: 0 }, sysVersion },
    tools: conda ? ['Conda'] : venv ? ['Venv'] : [],
  };
}

function activate() {
  return {
    ready: Promise.resolve(),
    environments: {
      getActiveEnvironmentPath: () => active,
      resolveEnvironment: async env => resolve(env),
      onDidChangeActiveEnvironmentPath: changed.event,
      updateActiveEnvironmentPath: async (env, resource) => {
        const p = typeof env === 'string' ? env : env.path;
        active = { id: p, path: p };
        changed.fire({ ...active, resource: resource && 'uri' in resource ? resource : undefined });
      },
      known: [],
    },
  };
}

module.exports = { activate, deactivate() {} };
