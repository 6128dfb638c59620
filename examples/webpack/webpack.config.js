import { cpSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '../out/webpack');

export default {
  mode: 'production',
  entry: resolve(here, 'src/index.js'),
  output: { path: out, filename: 'main.js', chunkFilename: '[name].[contenthash].js', publicPath: 'auto', clean: true },
  performance: { hints: false }, // tfjs chunks are large, and load only when used
  plugins: [
    {
      // The page and the assets folder (public/, filled by `npm run assets`) beside the bundle.
      apply: (compiler) =>
        compiler.hooks.afterEmit.tap('copy-static', () => {
          cpSync(resolve(here, 'index.html'), resolve(out, 'index.html'));
          cpSync(resolve(here, '../public'), out, { recursive: true });
        }),
    },
  ],
};
