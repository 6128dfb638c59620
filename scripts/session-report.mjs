// @ts-check
// A web-test-runner reporter that writes, when the run stops, one line per test session: its engine, group, file,
// and whether it passed, failed a test, or was cut short by its browser going away (a crash of the browser process
// rather than anything the page did). scripts/test-web.mjs reads it to rerun only the cut-short files.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/** What web-test-runner says when a page's browser is gone; anything else is the test's own failure. */
const BROWSER_GONE = [/browser disconnected/i, /invalid session id/i, /session (?:deleted|not created)/i];

/** @param {{ message: string }} e */
export const isBrowserGone = (e) => BROWSER_GONE.some((re) => re.test(e.message));

/**
 * @param {import('@web/test-runner-core').TestSuiteResult | undefined} suite
 * @returns {boolean} whether any test in it (or its suites) failed
 */
function anyTestFailed(suite) {
  if (!suite) return false;
  return suite.tests.some((t) => !t.passed && !t.skipped) || suite.suites.some(anyTestFailed);
}

/**
 * @param {import('@web/test-runner-core').TestSession} s
 * @returns {'passed' | 'failed' | 'browser-gone'}
 */
export function outcome(s) {
  if (s.status === 'FINISHED' && s.passed) return 'passed';
  if (anyTestFailed(s.testResults)) return 'failed';
  // Never finished (the run stopped around it), or finished with only the browser's going as its error.
  if (s.status !== 'FINISHED' || (s.errors.length > 0 && s.errors.every(isBrowserGone))) return 'browser-gone';
  return 'failed';
}

/**
 * @param {string} path where the report goes (JSON lines)
 * @returns {import('@web/test-runner-core').Reporter}
 */
export function sessionReport(path) {
  /** @type {import('@web/test-runner-core').TestSessionManager | null} */
  let manager = null;
  const write = () => {
    if (!manager) return;
    const lines = Array.from(manager.all(), (s) =>
      JSON.stringify({
        engine: s.browser.name,
        group: s.group.name,
        file: relative(process.cwd(), s.testFile),
        outcome: outcome(s),
      }),
    );
    writeFileSync(path, lines.join('\n') + '\n');
  };
  return {
    start({ sessions }) {
      manager = sessions;
      // A browser that goes away can stop the runner before reporters are stopped: write on exit too.
      process.once('exit', write);
    },
    stop: write,
  };
}
