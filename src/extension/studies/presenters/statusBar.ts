/** The status bar item of the studies this window runs: the first one's progress and best value (or Pareto front size); a click shows its curves. */
import * as vscode from 'vscode';
import type { StudySnapshot } from '../../../core/study/studyIndex';
import { bestSoFarText } from '../../../core/study/summary';

export class StudyStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hpstudio.studies', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Hyperparameter Studio: studies';
  }

  /** Shows the studies running here (their snapshots), or hides the item when there is none. */
  update(running: readonly StudySnapshot[], interpreterOf: (study: string) => string | undefined = () => undefined): void {
    if (running.length === 0) {
      this.item.hide();
      return;
    }
    const s = running[0];
    // Several metrics: the front's size (the first metric's best alone would hide the trade-off).
    const bestText = bestSoFarText(s);
    const best = bestText ? ` · ${bestText}` : '';
    const more = running.length > 1 ? ` (+${running.length - 1})` : '';
    this.item.text = `$(beaker) ${s.name} ${s.done}/${s.budget}${best}${more}`;
    const line = (r: StudySnapshot) => {
      const python = interpreterOf(r.name);
      return `${r.name}: ${r.done}/${r.budget} trials, ${r.counts.running} running${python ? `\n  Python: ${python}` : ''}`;
    };
    this.item.tooltip = `Hyperparameter Studio: ${running.map(line).join('\n')}\nClick to show the loss curves.`;
    this.item.command = { title: 'Show Loss Curves', command: 'hpstudio.showCurves', arguments: [s.name] };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
