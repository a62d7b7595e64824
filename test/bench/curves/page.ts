/**
 * The curves panel as a standalone page for the benchmarks and browser harnesses: media/curves/main.ts
 * bundled, served on 127.0.0.1 with the harness document (fake `acquireVsCodeApi`, the webview CSP,
 * VS Code theme variables of a dark or light theme), and headless Debian chromium to drive it.
 */
import * as esbuild from 'esbuild';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const root = join(__dirname, '..', '..', '..');

/** One figure of a curves benchmark, with its target when it has one. */
export interface Measure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly ok?: boolean;
}

export async function bundleCurves(minify = false): Promise<string> {
  const result = await esbuild.build({ entryPoints: [join(root, 'media/curves/main.ts')], bundle: true, write: false, minify, format: 'iife', platform: 'browser', target: 'chrome120', logLevel: 'warning' });
  return result.outputFiles[0].text;
}

type Files = Record<string, () => { type: string; body: string | Buffer }>;

export function serve(files: Files): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const file = files[path === '/' ? '/harness.html' : path];
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    if (!file) return void res.writeHead(404).end();
    const { type, body } = file();
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The harness page's files; `theme()` is read per request, so a reload can switch the theme. */
export function harnessFiles(script: string, theme: () => 'dark' | 'light'): Files {
  const codicons = join(root, 'node_modules/@vscode/codicons/dist');
  const here = __dirname;
  return {
    '/harness.html': () => ({ type: 'text/html', body: readFileSync(join(here, 'harness.html')) }),
    '/fake-vscode.js': () => ({ type: 'text/javascript', body: readFileSync(join(here, 'fake-vscode.js')) }),
    '/curves.js': () => ({ type: 'text/javascript', body: script }),
    '/style.css': () => ({ type: 'text/css', body: readFileSync(join(root, 'media/curves/style.css')) }),
    '/theme.css': () => ({ type: 'text/css', body: readFileSync(join(here, `theme-${theme()}.css`)) }),
    '/codicon.css': () => ({ type: 'text/css', body: readFileSync(join(codicons, 'codicon.css')) }),
    '/codicon.ttf': () => ({ type: 'font/ttf', body: readFileSync(join(codicons, 'codicon.ttf')) }),
  };
}

export interface HarnessBrowser {
  readonly url: string;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Serves the harness and opens headless chromium on a throwaway profile. */
export async function openHarness(script: string, theme: () => 'dark' | 'light', viewport = { width: 1280, height: 800 }): Promise<HarnessBrowser> {
  const server = await serve(harnessFiles(script, theme));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const userDataDir = mkdtempSync(join(tmpdir(), 'hpstudio-curves-page-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    url,
    context,
    close: async () => {
      await context.close();
      server.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
