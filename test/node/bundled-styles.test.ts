// BUNDLED_STYLES is what `face-style` accepts by name: it must list exactly the models shipped in models/.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BUNDLED_STYLES } from '../../src/core/defaults.js';

test('BUNDLED_STYLES names every shipped model in models/, and nothing else', () => {
  const shipped = readdirSync('models')
    .filter((d) => existsSync(`models/${d}/model.json`))
    .sort();
  assert.deepEqual([...BUNDLED_STYLES].sort(), shipped);
  for (const style of shipped) {
    const manifest = JSON.parse(readFileSync(`models/${style}/model.json`, 'utf8')) as { name: string };
    assert.equal(manifest.name, style, `models/${style}/model.json names itself ${manifest.name}`);
    assert.ok(existsSync(`models/${style}/README.md`), `models/${style} has no model card`);
  }
});
