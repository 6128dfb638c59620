// Our SHA-256 (what pages without crypto.subtle check the weights with) against node:crypto's.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sha256Hex, sha256HexPure } from '../../src/core/sha256.js';

const nodeSha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const text = (s: string) => new TextEncoder().encode(s);

test('the FIPS 180-4 / NIST vectors', () => {
  const vectors: [Uint8Array, string][] = [
    [text(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [text('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    [
      text(
        'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      ),
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
    [new Uint8Array(1_000_000).fill(0x61), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ];
  for (const [data, expected] of vectors) {
    assert.equal(nodeSha256(data), expected, 'the vector itself');
    assert.equal(sha256HexPure(data), expected, `${data.length} bytes`);
  }
});

test('every length 0..300: across the 55/56-byte padding split and block boundaries', () => {
  const pool = randomBytes(300);
  for (let n = 0; n <= 300; n++) {
    const data = pool.subarray(0, n);
    assert.equal(sha256HexPure(data), nodeSha256(data), `${n} bytes`);
  }
});

test('random lengths and contents, a view into a larger buffer, an ArrayBuffer', () => {
  for (let i = 0; i < 50; i++) {
    const n = Math.floor(Math.random() * 5000);
    const data = randomBytes(n);
    assert.equal(sha256HexPure(data), nodeSha256(data), `${n} bytes`);
  }
  const big = randomBytes(1000);
  const view = new Uint8Array(big.buffer, big.byteOffset + 7, 200);
  assert.equal(sha256HexPure(view), nodeSha256(view), 'a view at an offset');
  assert.equal(
    sha256HexPure(new DataView(view.buffer, view.byteOffset, view.byteLength)),
    nodeSha256(view),
    'a DataView',
  );
  const copy = view.slice();
  assert.equal(sha256HexPure(copy.buffer), nodeSha256(view), 'an ArrayBuffer');
});

test('a single changed bit changes the digest', () => {
  const data = randomBytes(4096);
  const before = sha256HexPure(data);
  data[2048] ^= 1;
  assert.notEqual(sha256HexPure(data), before);
  assert.equal(sha256HexPure(data), nodeSha256(data));
});

test('the shipped weights hash to the sha256 in their model.json, by both paths', async () => {
  const manifest = JSON.parse(readFileSync('models/toon/model.json', 'utf8')) as {
    weightFiles: { path: string; sha256: string }[];
  };
  const file = manifest.weightFiles[0]!;
  const bytes = new Uint8Array(readFileSync(`models/toon/${file.path}`));
  assert.equal(sha256HexPure(bytes), file.sha256);
  // Node has crypto.subtle: sha256Hex takes that path here, and must agree.
  assert.ok(globalThis.crypto?.subtle);
  assert.equal(await sha256Hex(bytes), file.sha256);
});

test('without crypto.subtle (an insecure context), sha256Hex computes it itself', async () => {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  assert.ok(descriptor?.configurable, 'globalThis.crypto cannot be replaced here');
  const data = randomBytes(1000);
  Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: () => undefined }, configurable: true });
  try {
    assert.equal(globalThis.crypto.subtle, undefined);
    assert.equal(await sha256Hex(data), nodeSha256(data));
  } finally {
    Object.defineProperty(globalThis, 'crypto', descriptor);
  }
  assert.ok(globalThis.crypto.subtle, 'restored');
});
