/**
 * The "Hyperparameter Studio: Trials" output channel: one timestamped line per thing that happened to
 * a study (started, a trial's params and outcome, warnings, pauses, the end), with failed trials' stderr
 * indented under them.
 */
import * as vscode from 'vscode';
import type { StudyEventMessage } from '../../../core/protocol/worker';
import type { Objective } from '../../../core/study/types';
import { formatParams, formatValue, formatValues, frontSizeText } from '../../../core/study/summary';

export class TrialsOutput implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Hyperparameter Studio: Trials');

  /** `12:34:56 [study] text`. */
  line(study: string, text: string): void {
    this.channel.appendLine(`${new Date().toISOString().slice(11, 19)} [${study}] ${text}`);
  }

  /** Lines that belong to the one above (stderr, a long error), indented. */
  detail(text: string): void {
    for (const l of text.split('\n')) this.channel.appendLine(`    ${l}`);
  }

  /** A line about no study in particular: `[start] …`, `[worker] …`. */
  note(topic: string, text: string): void {
    this.channel.appendLine(`[${topic}] ${text}`);
  }

  show(): void {
    this.channel.show(true);
  }

  /** Writes what a study event means; `metric` names the objective in trial lines, `objectives` a front's values. */
  describe(e: StudyEventMessage, metric: string | undefined, objectives: readonly Objective[] = []): void {
    switch (e.type) {
      case 'trial-started':
        this.line(e.study, `trial ${e.number} started${e.retryOf !== undefined ? ` (retry of ${e.retryOf})` : ''}: ${formatParams(e.params)}`);
        return;
      case 'trial-finished': {
        const value = e.value !== undefined ? ` ${metric ?? 'value'}=${formatValue(e.value)}` : '';
        this.line(e.study, `trial ${e.number} ${e.state}${value} (${(e.durationMs / 1000).toFixed(1)} s)`);
        if (e.state === 'fail' && e.error) this.detail(e.error);
        return;
      }
      case 'study-paused':
        this.line(e.study, `paused: ${e.reason}`);
        this.detail(e.stderr);
        void vscode.window.showWarningMessage(`Hyperparameter Studio: study "${e.study}" paused: ${e.reason}\n${lastLines(e.stderr, 5)}`, 'Show log').then(choice => {
          if (choice === 'Show log') this.show();
        });
        return;
      case 'study-finished': {
        const s = e.summary;
        const best = s.best ? `; best trial ${s.best.number} (${formatValue(s.best.value)}): ${formatParams(s.best.params)}` : '';
        this.line(e.study, `${s.status}: ${s.completed} complete, ${s.pruned} pruned, ${s.failed} failed${s.pareto ? `; ${frontSizeText(s.pareto.length)}` : best}`);
        // Several objectives have no one best trial: list the front, each trial with its values.
        for (const t of s.pareto ?? []) this.detail(`trial ${t.number} (${formatValues(t.values, objectives)}): ${formatParams(t.params)}`);
        return;
      }
      case 'warning':
        this.line(e.study, `warning: ${e.message}`);
        return;
      case 'metric':
        return;
    }
  }

  dispose(): void {
    this.channel.dispose();
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
