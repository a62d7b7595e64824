import * as vscode from 'vscode';
import { analyseStudy, formatParam } from '../../core/analysis';
import type { Setting } from '../../core/detect/types';
import type { HoverStudy } from '../../core/hover/render';
import type { StudySnapshot } from '../../core/study/studyIndex';
import type { StudyListing } from '../views/sidebarModel';
import { commandUri } from './hoverProvider';

/** The study parameter a setting stands for: the same dotted key, a key suffix, or the plain name. */
function paramFor(setting: Setting, study: StudySnapshot): string | undefined {
  const names = new Set(study.trials.flatMap(t => Object.keys(t.params)));
  if (names.has(setting.key)) return setting.key;
  for (const n of names) if (setting.key.endsWith(`.${n}`) || n.endsWith(`.${setting.key}`)) return n;
  const plain = setting.name.replace(/^-+/, '').replace(/-/g, '_');
  return names.has(plain) ? plain : undefined;
}

/** Numbers as [low, high]; anything else as `3 choices: a, b, c`. */
function valuesOf(values: readonly unknown[]): string | [number, number] {
  const tried = values.filter(v => v !== undefined && v !== null);
  const numbers = tried.filter((v): v is number => typeof v === 'number');
  if (numbers.length === tried.length && numbers.length > 0) return [Math.min(...numbers), Math.max(...numbers)];
  const distinct = [...new Set(tried.map(v => formatParam(v as never)))];
  return `${distinct.length} choice${distinct.length === 1 ? '' : 's'}: ${distinct.slice(0, 6).join(', ')}`;
}

/**
 * What the workspace's studies know about a hovered setting: best value, the range the study tried,
 * the parameter's importance rank and a link to its curves. Importance is a random-forest fit, so it is
 * computed once per study state (name + trials done), not per hover.
 */
export class StudyHoverLookup {
  private readonly ranks = new Map<string, { stamp: string; ranks: Map<string, number>; count: number }>();

  constructor(private readonly studies: StudyListing) {}

  forSetting(setting: Setting, document: vscode.Uri): HoverStudy | undefined {
    const candidates = this.studies.getStudies().filter(s => s.best);
    // The study generated for this very file first, then any study that tuned a parameter of this name.
    candidates.sort((a, b) => Number(b.source === document.fsPath) - Number(a.source === document.fsPath));
    for (const study of candidates) {
      const param = paramFor(setting, study);
      if (!param || !study.best) continue;
      const rangeTried = valuesOf(study.trials.map(t => t.params[param]));
      const importance = this.importance(study);
      const front = study.objectives && study.pareto?.length ? { trials: study.pareto.length, metrics: study.objectives.map(o => o.name), values: valuesOf(study.pareto.map(t => t.params[param])) } : undefined;
      return {
        ...(front ? { front } : {}),
        name: study.name,
        bestValue: study.best.value,
        bestParamValue: study.best.params[param],
        rangeTried,
        importanceRank: importance.ranks.get(param),
        parameterCount: importance.count,
        curvesCommandUri: commandUri('hpstudio.showCurves', study.name),
      };
    }
    return undefined;
  }

  private importance(study: StudySnapshot): { ranks: Map<string, number>; count: number } {
    const stamp = `${study.done}:${study.best?.number}`;
    const cached = this.ranks.get(study.name);
    if (cached && cached.stamp === stamp) return cached;
    const model = analyseStudy(study.trials.map(t => ({ number: t.number, params: t.params, value: t.state === 'complete' ? t.value : undefined })), study.direction, { seed: 1 });
    // All-zero importances (too few trials) rank nothing.
    const ranks = new Map(model.note ? [] : model.importances.map((p, i) => [p.name, i + 1] as const));
    const entry = { stamp, ranks, count: model.axes.length };
    this.ranks.set(study.name, entry);
    return entry;
  }
}
