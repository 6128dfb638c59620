// @ts-check
// npm run docs:pictures: every picture the README and docs/ show, made again from the current build and models,
// one step per script that draws them. test/node/docs-links.test.ts checks that each picture they show is made by
// a step here.
//   npm run build && npm run docs:pictures [step ...]      (steps: demo, camera, engines, styles; default all)
// The engines step needs Firefox ESR and WebKitGTK (scripts/browsers.mjs); BLAZE_ENGINES=chromium limits it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const CLIPS = ['one-face', 'three-faces', 'open-mouth'];
const PYTHON = '/usr/bin/python3'; // Debian's, with its PyTorch (see training/README.md)

/** @typedef {{ name: string, what: string, commands: string[][], pictures: string[] }} Step */
/** @type {Step[]} */
export const STEPS = [
  {
    name: 'demo',
    what: 'the demo on a desktop and a phone, and the phone in camera mode (scripts/screenshot.mjs)',
    commands: [['node', 'scripts/screenshot.mjs']],
    pictures: ['docs/demo.png', 'docs/demo-phone.png', 'docs/demo-camera-phone.png'],
  },
  {
    name: 'camera',
    what: 'captures of the composited camera view per clip and tracking (scripts/measure-camera.mjs, 30 frames)',
    commands: [['node', 'scripts/measure-camera.mjs', '30']],
    pictures: CLIPS.flatMap((c) => [`docs/camera-${c}-mesh.png`, `docs/camera-${c}-box.png`]),
  },
  {
    name: 'engines',
    what: 'the demo in each browser engine, and docs/engines.json (scripts/engines.mjs)',
    commands: [['node', 'scripts/engines.mjs']],
    pictures: ['chromium', 'firefox', 'webkit'].map((e) => `docs/engines/${e}.png`),
  },
  {
    name: 'styles',
    what: 'style mixing and truncation for each shipped style (training/figures.py)',
    commands: ['toon', 'sketch'].map((s) => [
      PYTHON,
      '-m',
      'training.figures',
      '--model',
      `models/${s}`,
      '--out',
      'docs',
    ]),
    pictures: ['toon', 'sketch'].flatMap((s) => [`docs/${s}-mixing.png`, `docs/${s}-truncation.png`]),
  },
];

/** Every picture a step makes. */
export const PICTURES = STEPS.flatMap((s) => s.pictures);

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !STEPS.some((s) => s.name === w));
  if (unknown.length) {
    console.error(`docs:pictures: expected steps among ${STEPS.map((s) => s.name).join(', ')}, got ${unknown}`);
    process.exit(2);
  }
  if (!existsSync('dist/blaze-face.js')) {
    console.error('docs:pictures: dist/ is missing: run npm run build first');
    process.exit(1);
  }
  for (const step of STEPS.filter((s) => !wanted.length || wanted.includes(s.name))) {
    console.log(`\n== ${step.name}: ${step.what}`);
    for (const [cmd, ...args] of step.commands) execFileSync(cmd, args, { stdio: 'inherit' });
    const missing = step.pictures.filter((p) => !existsSync(p));
    if (missing.length) {
      console.error(`docs:pictures: ${step.name} did not write ${missing.join(', ')}`);
      process.exit(1);
    }
  }
  console.log('\ndocs:pictures: done; review the pictures (git diff --stat docs/) before committing them');
}
