import * as vscode from 'vscode';
import { allEntries, findEntry, getEntry } from '../../core/knowledge';
import type { KnowledgeEntry } from '../../core/knowledge';
import { renderExplanationPage } from '../../core/hover/explain';
import { findSettingAt } from '../../core/detect';
import type { DocumentDetections } from '../detection/documentDetections';

/** Explanation pages are virtual, read-only markdown documents: `hpstudio-explain:/<id>.md?framework=…`. */
export const EXPLAIN_SCHEME = 'hpstudio-explain';

export class ExplanationPages implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    const entry = getEntry(id);
    if (!entry) return `# Unknown hyperparameter\n\nNo knowledge-base entry has the id \`${id.replace(/`/g, '')}\`.\n`;
    const framework = new URLSearchParams(uri.query).get('framework') ?? undefined;
    return renderExplanationPage(entry, { framework });
  }
}

async function pickEntry(): Promise<KnowledgeEntry | undefined> {
  const items = allEntries().map(e => ({ label: e.title, description: e.id, detail: e.summary, entry: e }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Explain which hyperparameter?', matchOnDescription: true, matchOnDetail: true });
  return picked?.entry;
}

/**
 * "Explain Hyperparameter…": with an id or alias (from a hover link or another command), explains that;
 * otherwise the setting under the cursor; otherwise asks. Opens the page as a markdown preview.
 */
export function createExplainCommand(documents: DocumentDetections) {
  return async (idOrAlias?: unknown): Promise<string | undefined> => {
    let entry: KnowledgeEntry | undefined;
    let framework: string | undefined;
    if (typeof idOrAlias === 'string' && idOrAlias.trim()) {
      const found = findEntry(idOrAlias);
      if (found.status === 'found') entry = found.entry;
      else if (found.status === 'ambiguous') {
        const picked = await vscode.window.showQuickPick(found.candidates.map(e => ({ label: e.title, description: e.id, detail: e.summary, entry: e })), {
          placeHolder: `"${idOrAlias}" has several meanings — which one?`,
        });
        entry = picked?.entry;
      } else {
        const hint = found.suggestions.length ? ` Did you mean ${found.suggestions.slice(0, 3).join(', ')}?` : '';
        void vscode.window.showWarningMessage(`Hyperparameter Studio: no explanation for "${idOrAlias}".${hint}`);
        return undefined;
      }
    } else {
      const editor = vscode.window.activeTextEditor;
      const file = editor && documents.get(editor.document);
      const setting = file && findSettingAt(file, editor.selection.active.line, editor.selection.active.character);
      if (setting) {
        framework = setting.framework;
        entry = setting.canonical ? getEntry(setting.canonical) : undefined;
        if (!entry) {
          const found = findEntry(setting.name, { framework: setting.framework, key: setting.key });
          if (found.status === 'found') entry = found.entry;
        }
      }
      entry ??= await pickEntry();
    }
    if (!entry) return undefined;
    const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${entry.id}.md`, query: framework ? `framework=${encodeURIComponent(framework)}` : '' });
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      // Without the built-in markdown extension, the source is still readable.
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
    return entry.id;
  };
}
