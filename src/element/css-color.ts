/**
 * Any CSS colour (`sienna`, `rgb(160 82 45)`, `#a0522d`, `hsl(...)`) as `#rrggbb`, the form the core's face controls
 * take. The browser parses it: a 2D context normalises whatever it accepts as its fill style, and keeps the old
 * one for what it refuses. Alpha is ignored (a skin tone has none).
 */
let ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;

function context() {
  if (ctx) return ctx;
  ctx =
    typeof OffscreenCanvas !== 'undefined'
      ? new OffscreenCanvas(1, 1).getContext('2d')
      : document.createElement('canvas').getContext('2d');
  return ctx;
}

/** `#rrggbb`, or null for text that is not a CSS colour. */
export function cssColorToHex(text: string): string | null {
  const c = context();
  if (!c || text.trim() === '') return null;
  // Two different sentinels: a refused value leaves either in place, an accepted one replaces both.
  const parsed = ['#000001', '#000002'].map((sentinel) => {
    c.fillStyle = sentinel;
    c.fillStyle = text;
    return String(c.fillStyle);
  });
  if (parsed[0] !== parsed[1]) return null;
  const v = parsed[0]!;
  if (/^#[0-9a-f]{6}$/i.test(v)) return v.toLowerCase();
  const m = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/.exec(v);
  if (!m) return null;
  return `#${[m[1], m[2], m[3]].map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`;
}
