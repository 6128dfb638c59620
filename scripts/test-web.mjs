// @ts-check
// The browser suite: web-test-runner with this repository's config, in every engine of BLAZE_ENGINES. When a
// browser process goes away mid-run (WebKitGTK's MiniBrowser has lost its WebDriver session in CI, taking every
// file after it), the files that browser did not finish run once more, in a fresh browser of that engine. A file
// with a failed test is never rerun: any test failure fails the run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENGINE_OF = /** @type {Record<string, string>} */ ({ Chrome: 'chromium', Firefox: 'firefox', WebKit: 'webkit' });

/**
 * @param {string[]} args web-test-runner's arguments
 * @param {Record<string, string>} env added to this process's
 * @returns {{ code: number, sessions: { engine: string, group: string, file: string, outcome: string }[] | null }}
 */
function run(args, env = {}) {
  const report = join(mkdtempSync(join(tmpdir(), 'blaze-wtr-')), 'sessions.jsonl');
  const r = spawnSync('npx', ['web-test-runner', ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...env, BLAZE_SESSION_REPORT: report },
  });
  const code = r.status ?? 1;
  if (!existsSync(report)) return { code, sessions: null };
  const sessions = readFileSync(report, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return { code, sessions };
}

const first = run(process.argv.slice(2));
if (first.code === 0) process.exit(0);
if (!first.sessions) {
  console.error('test-web: web-test-runner failed before it reported its sessions; nothing to rerun');
  process.exit(first.code);
}
const failed = first.sessions.filter((s) => s.outcome === 'failed');
const gone = first.sessions.filter((s) => s.outcome === 'browser-gone');
if (failed.length > 0 || gone.length === 0) {
  for (const s of failed) console.error(`test-web: failed in ${s.engine}: ${s.file}`);
  process.exit(first.code || 1);
}

// Only browser crashes: each engine and group's unfinished files, once, in a fresh browser.
/** @type {Map<string, { engine: string, group: string, files: string[] }>} */
const reruns = new Map();
for (const s of gone) {
  const engine = ENGINE_OF[s.engine];
  if (!engine) {
    console.error(`test-web: a session in an unknown browser "${s.engine}" did not finish: ${s.file}`);
    process.exit(1);
  }
  const key = `${engine} ${s.group}`;
  const r = reruns.get(key) ?? { engine, group: s.group, files: [] };
  r.files.push(s.file);
  reruns.set(key, r);
}
let code = 0;
for (const { engine, group, files } of reruns.values()) {
  console.error(
    `\ntest-web: ${engine}'s browser went away before ${files.length} file(s) of group "${group}" finished; ` +
      `running them once more in a fresh browser: ${files.join(' ')}\n`,
  );
  const again = run(['--group', group, '--files', ...files], { BLAZE_ENGINES: engine });
  if (again.code !== 0) code = again.code;
}
process.exit(code);
