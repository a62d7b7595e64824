// Mocha runner executed inside the VS Code extension host. Each *.test.ts next to this file is bundled
// separately; HPSTUDIO_SUITE picks the files of one suite (`<suite>.*.test.js`, plus `all.*.test.js`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const suite = process.env.HPSTUDIO_SUITE ?? 'trusted';
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: false, reporter: 'spec', forbidOnly: true });
  const files = fs.readdirSync(__dirname).filter(f => f.endsWith('.test.js') && (f.startsWith(`${suite}.`) || f.startsWith('all.')));
  for (const f of files.sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run(failures => (failures > 0 ? reject(new Error(`${failures} host test(s) failed`)) : resolve()));
  });
}
