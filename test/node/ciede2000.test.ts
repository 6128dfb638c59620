// The tests' CIEDE2000 (test/ciede2000.ts) against pairs from Sharma, Wu and Dalal's published test data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deltaE2000Lab } from '../ciede2000.js';

test('Sharma et al. (2005) test pairs', () => {
  const pairs: [number[], number[], number][] = [
    [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
    [[50, 3.1571, -77.2803], [50, 0, -82.7485], 2.8615],
    [[50, -1.3802, -84.2814], [50, 0, -82.7485], 1.0],
    [[50, 0, 0], [50, -1, 2], 2.3669],
    [[50, 2.49, -0.001], [50, -2.49, 0.0009], 7.1792],
    [[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
    [[22.7233, 20.0904, -46.694], [23.0331, 14.973, -42.5619], 2.0373],
    [[90.8027, -2.0831, 1.441], [91.1528, -1.6435, 0.0447], 1.4441],
  ];
  for (const [a, b, expected] of pairs) assert.ok(Math.abs(deltaE2000Lab(a, b) - expected) < 1e-4, `${a} ${b}`);
});
