import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/**
 * The one place webview HTML is made. Every render gets a fresh nonce from `crypto` (never
 * Math.random) and a CSP that starts from `default-src 'none'`: only our bundled script with that
 * nonce runs, styles and fonts come from the extension's media/ folder, images from there or data URIs
 * (chart PNG export). Data never goes into this HTML: it arrives later as validated messages.
 */
export interface WebviewPage {
  /** Bundle name under media/build/ (`sidebar` → media/build/sidebar.js). */
  readonly script: string;
  readonly title: string;
  /** Extra stylesheets under media/ (relative paths), loaded after the codicons. */
  readonly styles?: readonly string[];
}

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

/** Options every webview of ours uses: scripts on, and resources from media/ only. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function renderWebviewHtml(webview: Pick<vscode.Webview, 'cspSource' | 'asWebviewUri'>, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = createNonce();
  const media = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', ...parts)).toString();
  const styles = ['build/codicon.css', ...(page.styles ?? [])].map(s => `<link rel="stylesheet" href="${media(...s.split('/'))}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, nonce)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(page.title)}</title>
  </head>
  <body>
    <div id="root" data-nonce-checked="true"></div>
    <script nonce="${nonce}" src="${media('build', `${page.script}.js`)}"></script>
  </body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
