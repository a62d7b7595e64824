import * as vscode from 'vscode';
import type { DetectedFile, Setting } from '../../core/detect/types';
import type { HoverExtras, HoverStudy } from '../../core/hover/render';
import type { DocumentDetections } from '../detection/documentDetections';
import { allEntries, normalizeName, suggest, type KnowledgeEntry } from '../../core/knowledge';

/** The pure pieces the hover needs: locate the setting under the cursor, render its markdown. */
export interface HoverEngine {
  findSettingAt(file: DetectedFile, line: number, character: number): Setting | undefined;
  renderHover(setting: Setting, file: DetectedFile, extras?: HoverExtras): string;
}

/** What the workspace's studies know about a key (best value, range tried…), when a study tuned it. */
export interface StudyLookup {
  forSetting(setting: Setting, document: vscode.Uri): HoverStudy | undefined;
}

/** Only our own commands may run from hover links; the markdown also carries text from the user's file. */
export const HOVER_COMMANDS = ['hpstudio.tuneFile', 'hpstudio.explainSetting', 'hpstudio.showCurves', 'hpstudio.teachVocabulary', 'hpstudio.findLearningRate'];

export function commandUri(command: string, ...args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** The knowledge entry a name is closest to (`nhid` → hidden size), for the one-click "Treat as" link. */
function guessEntry(name: string): KnowledgeEntry | undefined {
  const best = suggest(name)[0];
  if (!best) return undefined;
  const n = normalizeName(best);
  return allEntries().find(e => normalizeName(e.id) === n || e.aliases.some(a => normalizeName(a) === n));
}

/**
 * "Teach" links under the hover: write this key into `.hpstudio/vocabulary.yaml` as a canonical id
 * (one click for the closest guess, or pick from the list) or as no hyperparameter.
 */
export function teachLine(setting: Setting, documentUri: string): string | undefined {
  if (setting.kind === 'logged' || setting.kind === 'search-setting') return undefined;
  const key = setting.name.replace(/^-+/, '').replace(/\{\}/g, '*');
  if (!key || key.length > 80) return undefined;
  const shown = `\`${key.replace(/`/g, "'")}\``;
  const link = (label: string, id?: string | null) => `[${label}](${commandUri('hpstudio.teachVocabulary', { uri: documentUri, key, ...(id !== undefined ? { id } : {}) })})`;
  const parts: string[] = [];
  const guess = setting.canonical ? undefined : guessEntry(key);
  if (guess) parts.push(link(`Treat ${shown} as ${guess.title.toLowerCase()}`, guess.id));
  parts.push(link(`Treat ${shown} as…`));
  if (setting.kind === 'hyperparameter' || setting.kind === 'use') parts.push(link('Not a hyperparameter', null));
  return `**Teach:** ${parts.join(' · ')}${setting.taught ? ` · *read through your vocabulary file (line ${setting.taught.line + 1})*` : ''}`;
}

function toRange(r: { line: number; character: number; endLine: number; endCharacter: number }): vscode.Range {
  return new vscode.Range(r.line, r.character, r.endLine, r.endCharacter);
}

/**
 * Hovers for detected settings. The document's detection is cached per version (DocumentDetections),
 * so a hover is a lookup plus rendering — no parsing on the hover path.
 */
export class SettingHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly documents: DocumentDetections,
    private readonly engine: HoverEngine,
    private readonly studies?: StudyLookup,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): vscode.Hover | undefined {
    if (!vscode.workspace.getConfiguration('hpstudio.hover', document.uri).get<boolean>('enabled', true)) return undefined;
    const file = this.documents.get(document);
    if (!file || token.isCancellationRequested) return undefined;
    const setting = this.engine.findSettingAt(file, position.line, position.character);
    if (!setting) return undefined;
    const study = this.studies?.forSetting(setting, document.uri);
    const markdown = this.engine.renderHover(setting, file, {
      study,
      commandUris: {
        tune: commandUri('hpstudio.tuneFile', document.uri.toString(), { params: [setting.key] }),
        explain: commandUri('hpstudio.explainSetting', setting.canonical ?? setting.name),
        lrFind: commandUri('hpstudio.findLearningRate', document.uri.toString(), { param: setting.key }),
      },
    });
    const teach = teachLine(setting, document.uri.toString());
    const content = new vscode.MarkdownString(teach ? `${markdown}\n\n${teach}` : markdown);
    content.isTrusted = { enabledCommands: HOVER_COMMANDS };
    content.supportHtml = false;
    const onKey = position.line === setting.range.line && position.character <= setting.range.endCharacter;
    return new vscode.Hover(content, toRange(onKey || !setting.valueRange ? setting.range : setting.valueRange));
  }
}
