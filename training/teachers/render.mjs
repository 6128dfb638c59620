#!/usr/bin/env node
// Teacher renderer CLI: reads latents, writes RGBA images. Called by training/teachers/procedural.py.
//   node training/teachers/render.mjs --style toon --res 128 --z-dim 64 --in z.f32 --out img.u8 [--svg-dir DIR]
//   node training/teachers/render.mjs --style toon --info 1     (licence, provenance, canonical landmarks)
// --in: little-endian float32 [N, zDim] (zDim from --z-dim); --out: uint8 [N, res, res, 4], premultiplied alpha (as resvg renders it).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as sketch from './sketch.mjs';
import * as toon from './toon.mjs';

const STYLES = { sketch, toon };

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const style = STYLES[args.style];
if (!style) throw new Error(`unknown style ${args.style}; expected one of ${Object.keys(STYLES).join(', ')}`);
if ('info' in args) {
  // Teacher facts that Python records in model.json: one source of truth for the canonical frame.
  process.stdout.write(JSON.stringify({ ...style.INFO, landmarks: style.canonicalLandmarks() }) + '\n');
  process.exit(0);
}
const res = Number(args.res);
const zDim = Number(args['z-dim']);
const buf = readFileSync(args.in);
const z = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
const n = z.length / zDim;
if (!Number.isInteger(n)) throw new Error(`input has ${z.length} floats, not a multiple of z-dim ${zDim}`);
const out = new Uint8Array(n * res * res * 4);
if (args['svg-dir']) mkdirSync(args['svg-dir'], { recursive: true });
for (let i = 0; i < n; i++) {
  const face = style.zToFace(z.subarray(i * zDim, (i + 1) * zDim));
  const svg = style.faceSvg(face, res);
  if (args['svg-dir']) writeFileSync(`${args['svg-dir']}/${i}.svg`, svg);
  const img = new Resvg(svg, { fitTo: { mode: 'width', value: res }, background: 'rgba(0,0,0,0)' }).render();
  if (img.width !== res || img.height !== res) throw new Error(`rendered ${img.width}x${img.height}, expected ${res}`);
  out.set(img.pixels, i * res * res * 4);
}
writeFileSync(args.out, out);
