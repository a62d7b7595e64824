import * as vscode from 'vscode';
import type { DetectedFile, Setting } from '../../core/detect/types';
import type { HoverExtras, HoverStudy } from '../../core/hover/render';
import type { DocumentDetections } from '../detection/documentDetections';

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
export const HOVER_COMMANDS = ['hpstudio.tuneFile', 'hpstudio.explainSetting', 'hpstudio.showCurves'];

export function commandUri(command: string, ...args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
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
      },
    });
    const content = new vscode.MarkdownString(markdown);
    content.isTrusted = { enabledCommands: HOVER_COMMANDS };
    content.supportHtml = false;
    const onKey = position.line === setting.range.line && position.character <= setting.range.endCharacter;
    return new vscode.Hover(content, toRange(onKey || !setting.valueRange ? setting.range : setting.valueRange));
  }
}
