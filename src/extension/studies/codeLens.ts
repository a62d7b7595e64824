/**
 * CodeLenses for tuning: above a detected config "Tune N hyperparameters" (and "Show curves" once a
 * study for it exists); above a study file Start / Stop / Resume. None in Restricted Mode — trust is
 * read on every request, so granting it shows them without a reload.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DetectedFile } from '../../core/detect/types';
import type { StudyController } from './controller';
import { looksLikeStudy, studyNameFor, tuneCandidates } from '../../core/study/studyDraft';
import type { StudySnapshot } from '../../core/study/studyIndex';

/** Detection of an open document (the composition root passes its per-version cache). */
export type DocumentDetector = (document: vscode.TextDocument) => DetectedFile | undefined;

const STUDY_NAME_LINE = /^name\s*:\s*["']?([A-Za-z0-9][A-Za-z0-9._-]{0,99})["']?\s*(?:#.*)?$/m;

export class StudyCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly controller: StudyController,
    private readonly detect: DocumentDetector,
  ) {
    this.disposables.push(
      controller.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted || document.uri.scheme !== 'file') return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const file = document.uri.fsPath;
    const text = document.getText();
    if (looksLikeStudy(file, text)) return [...this.studyFileLenses(document, top, text), ...this.learningRateLens(document, this.detect(document), true)];

    const detected = this.detect(document);
    if (!detected || detected.error || detected.settings.length === 0) return [];
    const style = ['.py', '.js', '.mjs', '.cjs'].includes(path.extname(file).toLowerCase()) ? 'flags' : 'hydra';
    const n = tuneCandidates(detected, style).length;
    if (n === 0) return [];
    const lenses = [
      new vscode.CodeLens(top, { title: `$(beaker) Tune ${n} hyperparameter${n === 1 ? '' : 's'}`, command: 'hpstudio.tuneFile', arguments: [document.uri], tooltip: 'Create a study for this file: pick hyperparameters and ranges, then run trials' }),
    ];
    const study = this.studyFor(file);
    if (study) lenses.push(new vscode.CodeLens(top, { title: '$(graph-line) Show curves', command: 'hpstudio.showCurves', arguments: [study.name], tooltip: `Loss curves of study ${study.name}` }));
    return [...lenses, ...this.learningRateLens(document, detected, false)];
  }

  /** "Find learning rate" on the line of a detected learning rate (a config) or atop a study file that searches one. */
  private learningRateLens(document: vscode.TextDocument, detected: DetectedFile | undefined, studyFile: boolean): vscode.CodeLens[] {
    if (!detected || detected.error) return [];
    const rate = detected.settings.find(s => s.kind === 'hyperparameter' && s.canonical === 'learning_rate' && (typeof s.value === 'number' || s.search !== undefined));
    if (!rate) return [];
    if (studyFile && this.controller.getStudy(STUDY_NAME_LINE.exec(document.getText())?.[1] ?? '')?.sampler === 'lr-find') return [];
    const line = studyFile ? 0 : rate.range.line;
    const at = new vscode.Range(line, 0, line, 0);
    const args = studyFile ? [document.uri] : [document.uri, { param: rate.key }];
    return [new vscode.CodeLens(at, { title: '$(pulse) Find learning rate', command: 'hpstudio.findLearningRate', arguments: args, tooltip: `Short trials at log-spaced rates of ${rate.key}: the loss-vs-rate curve and a suggested value` })];
  }

  private studyFileLenses(document: vscode.TextDocument, top: vscode.Range, text: string): vscode.CodeLens[] {
    const name = STUDY_NAME_LINE.exec(text)?.[1] ?? studyNameFor(document.uri.fsPath);
    const study = this.controller.getStudy(name);
    const lenses: vscode.CodeLens[] = [];
    if (study && study.state === 'running' && study.runner === 'here') {
      lenses.push(new vscode.CodeLens(top, { title: `$(debug-stop) Stop (${study.done}/${study.budget})`, command: 'hpstudio.stopStudy', arguments: [name] }));
    } else if (study && study.state === 'running') {
      lenses.push(new vscode.CodeLens(top, { title: `$(sync~spin) Running in pid ${study.owner?.pid ?? '?'}`, command: 'hpstudio.showCurves', arguments: [name] }));
    } else {
      lenses.push(new vscode.CodeLens(top, { title: '$(play) Start study', command: 'hpstudio.startStudy', arguments: [document.uri] }));
      if (study && study.state !== 'finished') {
        lenses.push(new vscode.CodeLens(top, { title: `$(debug-restart) Resume (${study.done}/${study.budget})`, command: 'hpstudio.resumeStudy', arguments: [name] }));
      }
    }
    if (study) lenses.push(new vscode.CodeLens(top, { title: '$(graph-line) Show curves', command: 'hpstudio.showCurves', arguments: [name] }));
    if (study?.sampler === 'lr-find') lenses.push(new vscode.CodeLens(top, { title: '$(pulse) Learning-rate result', command: 'hpstudio.showLrFind', arguments: [name] }));
    return lenses;
  }

  /** The study generated for this config (`# source:` header), else one named after the file. */
  private studyFor(file: string): StudySnapshot | undefined {
    const studies = this.controller.getStudies();
    return studies.find(s => s.source === file) ?? studies.find(s => s.name === studyNameFor(file));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
