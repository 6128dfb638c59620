// @ts-check
// npm run docs:pictures: every picture the README and docs/ show, made again from the current build and models,
// one step per script that draws them. test/node/docs-links.test.ts checks that each picture they show is made by
// a step here.
//   npm run build && npm run docs:pictures [step ...]      (steps: demo, camera, likeness, clip, engines, styles; default all)
// The engines step needs Firefox ESR and WebKitGTK (scripts/browsers.mjs); BLAZE_ENGINES=chromium limits it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { STEPS } from './docs-pictures-steps.mjs';

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
