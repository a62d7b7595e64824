import * as vscode from 'vscode';
import { allEntries } from '../../core/knowledge';
import type { VocabularyStore } from './vocabularyStore';

export interface TeachArgs {
  /** The document the key was hovered in (a URI string: command links pass JSON). */
  readonly uri: string;
  readonly key: string;
  /** A canonical id, null for "not a hyperparameter", undefined to pick one from a list. */
  readonly id?: string | null;
}

/** A YAML scalar that reads back as the same string. */
function yamlString(s: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(s) ? s : JSON.stringify(s);
}

/** The entry as vocabulary.yaml lines. */
export function entryText(key: string, id: string | null): string {
  return `  - key: ${yamlString(key)}\n${id === null ? '    hyperparameter: false\n' : `    id: ${id}\n`}`;
}

/**
 * `hpstudio.teachVocabulary`: writes "treat KEY as ID" (or "not a hyperparameter") into the folder's
 * `.hpstudio/vocabulary.yaml`, creating it when needed, then reloads the vocabulary so hovers, the
 * sidebar and `hpstudio detect` all see it. Resolves to the vocabulary file's URI (or undefined if cancelled).
 */
export function createTeachCommand(store: VocabularyStore, onTaught: () => void) {
  return async (args: TeachArgs): Promise<string | undefined> => {
    const uri = vscode.Uri.parse(args.uri, true);
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder || !args.key) {
      void vscode.window.showWarningMessage('Hyperparameter Studio: open a workspace folder to keep a vocabulary.');
      return undefined;
    }
    let id = args.id;
    if (id === undefined) {
      const picked = await vscode.window.showQuickPick(
        [{ label: 'Not a hyperparameter', id: null as string | null }, ...allEntries().map(e => ({ label: e.title, description: e.id, detail: e.summary, id: e.id as string | null }))],
        { title: `Treat \`${args.key}\` as…`, matchOnDescription: true, matchOnDetail: true },
      );
      if (!picked) return undefined;
      id = picked.id;
    }
    const file = store.fileOf(folder);
    let text = '';
    try {
      text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(file));
    } catch {
      text = '# Names Hyperparameter Studio should read your way (docs: docs/hyperparameters.md)\nvocabulary:\n';
    }
    if (!/^vocabulary:/m.test(text)) text = `${text.replace(/\s*$/, '\n')}vocabulary:\n`;
    text = `${text.replace(/\s*$/, '\n')}${entryText(args.key, id)}`;
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
    await store.reload();
    onTaught();
    return file.toString();
  };
}
