/** The cancellable progress notification of a study started in this window: trials done of the budget, and the best value (or the Pareto front's size). */
import * as vscode from 'vscode';
import type { StudySnapshot } from '../../../core/study/studyIndex';
import { bestSoFarText } from '../../../core/study/summary';

export interface ProgressSource {
  getStudy(name: string): StudySnapshot | undefined;
  readonly onDidChange: vscode.Event<string | undefined>;
}

/** Shows progress until `ended` settles; Cancel calls `stop`. */
export function showStudyProgress(study: { readonly name: string; readonly budget: number; readonly ended: Promise<unknown> }, source: ProgressSource, stop: () => void): void {
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Tuning ${study.name}`, cancellable: true }, async (progress, token) => {
    let reported = 0;
    const report = () => {
      const s = source.getStudy(study.name);
      if (!s) return;
      const done = Math.min(s.done, study.budget);
      const bestText = bestSoFarText(s, true);
      const best = bestText ? `, ${bestText}` : '';
      progress.report({ message: `${done}/${study.budget} trials${best}`, increment: ((done - reported) / Math.max(1, study.budget)) * 100 });
      reported = done;
    };
    const sub = source.onDidChange(name => (name === undefined || name === study.name) && report());
    const cancel = token.onCancellationRequested(() => stop());
    try {
      await study.ended;
    } finally {
      sub.dispose();
      cancel.dispose();
    }
  });
}
