// Waits on a condition or a promise that fail with what they waited for, instead of fixed sleeps.

/**
 * Resolves once `ready()` is true, checking every `every` ms; rejects after `ms`, saying what it waited for and, if
 * given, what `now()` showed at the end.
 */
export function waitFor(
  ready: () => boolean,
  what: string,
  { ms = 10000, every = 20, now }: { ms?: number; every?: number; now?: () => unknown } = {},
): Promise<void> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (ready()) return resolve();
      if (performance.now() - t0 > ms) {
        return reject(new Error(`waited ${ms} ms for ${what}${now ? `; last seen: ${JSON.stringify(now())}` : ''}`));
      }
      setTimeout(check, every);
    };
    check();
  });
}

/** `p`, or a rejection naming `what` if it has not settled within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${what}`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
