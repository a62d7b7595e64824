import * as vscode from 'vscode';
import type { DetectedFile } from '../../core/detect/types';
import type { Finding } from '../../core/diagnostics/rules';
import type { DocumentDetections } from '../detection/documentDetections';

export type Diagnose = (file: DetectedFile, text: string) => Finding[];

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

const range = (r: { line: number; character: number; endLine: number; endCharacter: number }) => new vscode.Range(r.line, r.character, r.endLine, r.endCharacter);

function enabled(uri: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('hpstudio.diagnostics', uri).get<boolean>('enabled', true);
}

/**
 * Suspicious values in the Problems panel, recomputed when a document's detection changes (once per
 * version). Quick fixes come from the same findings, kept per document version so a fix never applies
 * to text it was not computed for.
 */
export class HyperparameterDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly source = 'Hyperparameter Studio';
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection('hpstudio');
  private readonly findings = new Map<string, { version: number; findings: Finding[] }>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly documents: DocumentDetections, private readonly diagnose: Diagnose) {
    this.disposables.push(
      documents.onDidChange(doc => this.update(doc)),
      vscode.workspace.onDidCloseTextDocument(doc => {
        this.collection.delete(doc.uri);
        this.findings.delete(doc.uri.toString());
      }),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('hpstudio.diagnostics')) for (const doc of vscode.workspace.textDocuments) this.update(doc);
      }),
    );
    for (const doc of vscode.workspace.textDocuments) this.update(doc);
  }

  private update(doc: vscode.TextDocument): void {
    const file = enabled(doc.uri) ? this.documents.get(doc) : undefined;
    if (!file) {
      this.collection.delete(doc.uri);
      this.findings.delete(doc.uri.toString());
      return;
    }
    const findings = this.diagnose(file, doc.getText());
    this.findings.set(doc.uri.toString(), { version: doc.version, findings });
    this.collection.set(doc.uri, findings.map(f => {
      const d = new vscode.Diagnostic(range(f.range), f.message, SEVERITY[f.severity]);
      d.source = HyperparameterDiagnostics.source;
      d.code = f.code;
      return d;
    }));
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const known = this.findings.get(doc.uri.toString());
    if (!known || known.version !== doc.version) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== HyperparameterDiagnostics.source) continue;
      const finding = known.findings.find(f => f.code === diagnostic.code && range(f.range).isEqual(diagnostic.range));
      if (!finding?.fix) continue;
      const action = new vscode.CodeAction(finding.fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      for (const edit of finding.fix.edits) action.edit.replace(doc.uri, range(edit.range), edit.newText);
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
