/**
 * Colours come from the VS Code theme: the `--vscode-*` CSS variables the workbench sets on the
 * webview's <html>. Read once at start and again whenever the body's theme class changes
 * (vscode-light / vscode-dark / vscode-high-contrast). Fallbacks only matter outside VS Code.
 */
export interface Theme {
  readonly kind: 'light' | 'dark' | 'high-contrast';
  readonly foreground: string;
  readonly muted: string;
  readonly background: string;
  readonly grid: string;
  /** The best trial's colour (charts-yellow). */
  readonly accent: string;
  /** The selected trial's colour (focus border). */
  readonly selection: string;
  /** Distinct colours for curves, derived from the charts-* variables. */
  readonly palette: readonly string[];
  /** Good → bad colour ramp endpoints for values (contour, parallel coordinates). */
  readonly good: string;
  readonly bad: string;
  readonly font: string;
}

function variable(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const body = document.body.classList;
  const kind = body.contains('vscode-high-contrast') || body.contains('vscode-high-contrast-light') ? 'high-contrast' : body.contains('vscode-light') ? 'light' : 'dark';
  const dark = kind !== 'light';
  const foreground = variable(style, '--vscode-foreground', dark ? '#cccccc' : '#616161');
  const background = variable(style, '--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff');
  const chart = (name: string, d: string, l: string) => variable(style, `--vscode-charts-${name}`, dark ? d : l);
  const blue = chart('blue', '#3794ff', '#1a85ff');
  const green = chart('green', '#89d185', '#388a34');
  const purple = chart('purple', '#b180d7', '#652d90');
  const orange = chart('orange', '#d18616', '#d18616');
  const red = chart('red', '#f14c4c', '#e51400');
  const base = [blue, green, purple, orange, red];
  // Ten distinguishable colours: the five chart colours, then the same hues mixed towards the foreground.
  const palette = [...base, ...base.map(c => mix(c, foreground, 0.45))];
  return {
    kind,
    foreground,
    muted: variable(style, '--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    background,
    grid: withAlpha(foreground, kind === 'high-contrast' ? 0.35 : 0.12),
    accent: chart('yellow', '#cca700', '#bf8803'),
    selection: variable(style, '--vscode-focusBorder', dark ? '#007fd4' : '#0090f1'),
    palette,
    good: blue,
    bad: orange,
    font: variable(style, '--vscode-font-family', 'system-ui, sans-serif'),
  };
}

/**
 * Calls `onChange` when the workbench switches theme: it swaps the body classes and rewrites the CSS
 * variables in <html style>, not necessarily in the same task, so both are watched and the callback
 * runs once, a frame later, when both have landed.
 */
export function watchTheme(onChange: () => void): void {
  let frame = 0;
  const changed = () => {
    if (!frame) frame = requestAnimationFrame(() => {
      frame = 0;
      onChange();
    });
  };
  const observer = new MutationObserver(changed);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}

/** Parses #rgb, #rrggbb(aa) and rgb()/rgba(); anything else reads as mid grey. */
export function parseColor(color: string): [number, number, number, number] {
  const c = color.trim();
  let m = /^#([0-9a-f]{3,8})$/i.exec(c);
  if (m) {
    let h = m[1];
    if (h.length === 3 || h.length === 4) h = [...h].map(ch => ch + ch).join('');
    const n = (i: number) => parseInt(h.slice(i, i + 2), 16);
    return [n(0), n(2), n(4), h.length >= 8 ? n(6) / 255 : 1];
  }
  m = /^rgba?\(([^)]+)\)$/i.exec(c);
  if (m) {
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [parts[0] || 0, parts[1] || 0, parts[2] || 0, parts.length > 3 ? parts[3] : 1];
  }
  return [128, 128, 128, 1];
}

export function withAlpha(color: string, alpha: number): string {
  const [r, g, b] = parseColor(color);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export function mix(a: string, b: string, t: number): string {
  const ca = parseColor(a);
  const cb = parseColor(b);
  const ch = (i: number) => Math.round(ca[i] + (cb[i] - ca[i]) * t);
  return `rgb(${ch(0)}, ${ch(1)}, ${ch(2)})`;
}
