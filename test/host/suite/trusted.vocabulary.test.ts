import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hoverTextAt, waitFor } from '../helpers';

const root = () => vscode.workspace.workspaceFolders![0].uri;
const file = (...parts: string[]) => vscode.Uri.joinPath(root(), ...parts);

interface CliSetting { key: string; name: string; canonical: string | null; kind: string; line: number; character: number; origin?: { kind: string }; taught?: { line: number } }

/** `hpstudio detect --json` on one file, run as a user runs it: the bundled CLI in its own process. */
function cliDetect(target: vscode.Uri): { format: string | null; settings: CliSetting[] } {
  const cli = path.join(vscode.extensions.getExtension('hpstudio.hpstudio')!.extensionPath, 'dist', 'cli.js');
  const out = execFileSync(process.execPath, [cli, 'detect', target.fsPath, '--json'], { cwd: root().fsPath, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  return JSON.parse(out).files[0];
}

async function hover(uri: vscode.Uri, line: number, character: number): Promise<string> {
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  return hoverTextAt(uri, new vscode.Position(line, character));
}

/** Runs the command behind a hover link exactly as clicking it would. */
async function click(markdown: string, label: RegExp): Promise<unknown> {
  const links = [...markdown.matchAll(/\[([^\]]+)\]\((command:[^)]+)\)/g)];
  const link = links.find(m => label.test(m[1]));
  assert.ok(link, `a "${label.source}" link among: ${links.map(m => m[1]).join(' | ')}`);
  const target = vscode.Uri.parse(link[2]);
  return vscode.commands.executeCommand(target.path, ...(JSON.parse(decodeURIComponent(target.query)) as unknown[]));
}

describe('one detection for hovers and hpstudio detect', () => {
  before(async () => {
    await vscode.extensions.getExtension('hpstudio.hpstudio')!.activate();
  });

  for (const [what, parts] of [['mmengine _base_ inheritance', ['mm', 'configs', 'resnet', 'resnet50_8xb32_in1k.py']], ['Detectron2 LazyConfig imports', ['d2', 'configs', 'COCO-Detection', 'retinanet_R_50_FPN_1x.py']]] as const) {
    it(`agree on ${what}`, async () => {
      const uri = file(...parts);
      const cli = cliDetect(uri);
      const inherited = cli.settings.filter(s => s.origin?.kind === 'inherited');
      assert.ok(inherited.length >= 5, `the CLI follows what the file inherits (${inherited.length})`);
      // Every position where the CLI reports settings shows one of those settings in the editor's hover.
      const byPosition = new Map<string, CliSetting[]>();
      for (const s of cli.settings) byPosition.set(`${s.line}:${s.character}`, [...(byPosition.get(`${s.line}:${s.character}`) ?? []), s]);
      for (const [at, settings] of byPosition) {
        const [line, character] = at.split(':').map(Number);
        const text = await hover(uri, line, character + 1);
        assert.ok(settings.some(s => text.includes(`\`${s.key}\``)), `hover at ${at} shows one of ${settings.map(s => s.key).slice(0, 5).join(', ')}; got: ${text.slice(0, 160)}`);
        if (settings.every(s => s.origin?.kind === 'inherited')) assert.match(text, /inherited from/);
      }
    });
  }
});

describe('the vocabulary file, from a hover link to the CLI', () => {
  const vocabularyFile = () => file('.hpstudio', 'vocabulary.yaml');
  const main = () => file('lm', 'main.py');
  /** Line and a character inside the first occurrence of `needle` in lm/main.py. */
  const at = (needle: string): [number, number] => {
    const lines = fs.readFileSync(main().fsPath, 'utf8').split('\n');
    const line = lines.findIndex(l => l.includes(needle));
    return [line, lines[line].indexOf(needle) + 2];
  };

  it('"Not a hyperparameter" in the hover writes the entry; hover and hpstudio detect both apply it', async () => {
    const [line, character] = at('--clip');
    const before = await hover(main(), line, character);
    assert.match(before, /Gradient clipping/i);
    assert.match(before, /\*\*Teach:\*\*.*Treat `clip` as…/);
    await click(before, /^Not a hyperparameter$/);
    const written = await waitFor('vocabulary file', () => (fs.existsSync(vocabularyFile().fsPath) ? fs.readFileSync(vocabularyFile().fsPath, 'utf8') : undefined));
    assert.match(written, /^vocabulary:\n {2}- key: clip\n {4}hyperparameter: false\n$/m);
    const after = await waitFor('hover read through the vocabulary', async () => {
      const text = await hover(main(), line, character);
      return /your vocabulary file \(line 3\)/.test(text) ? text : undefined;
    });
    assert.doesNotMatch(after, /\*Hyperparameter\*/);
    const clip = cliDetect(main()).settings.find(s => s.name === '--clip');
    assert.deepEqual([clip?.kind, clip?.canonical, clip?.taught], ['other', null, { line: 2 }]);
  });

  it('a one-click "Treat as" entry changes the id for the editor and the CLI alike', async () => {
    const [line, character] = at('--tied');
    await vscode.commands.executeCommand('hpstudio.teachVocabulary', { uri: main().toString(), key: 'tied', id: 'architecture' });
    const text = await waitFor('hover with the taught id', async () => {
      const t = await hover(main(), line, character);
      return /^\*\*Model architecture\*\*/m.test(t) ? t : undefined;
    });
    assert.match(text, /vocabulary file \(line 5\)/);
    assert.equal(cliDetect(main()).settings.find(s => s.name === '--tied')?.canonical, 'architecture');
  });

  it('shows a bad entry as a problem on its line, and keeps applying the good ones', async () => {
    fs.appendFileSync(vocabularyFile().fsPath, '  - key: nhid\n    id: hidden_sise\n');
    const diags = await waitFor('vocabulary problem', () => {
      const d = vscode.languages.getDiagnostics(vocabularyFile()).filter(x => x.source === 'Hyperparameter Studio');
      return d.length > 0 ? d : undefined;
    });
    assert.equal(diags[0].range.start.line, 6);
    assert.match(diags[0].message, /unknown canonical id "hidden_sise"/);
    assert.equal(cliDetect(main()).settings.find(s => s.name === '--tied')?.canonical, 'architecture');
  });
});
