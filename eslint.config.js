// ESLint for the TypeScript and JavaScript of the package, its tests, scripts, demo and examples (npm run lint).
// Formatting is Prettier's (.prettierrc.json); types are tsc's (npm run typecheck).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import lit from 'eslint-plugin-lit';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores([
    'node_modules/',
    'dist/',
    'build/',
    '.cache/',
    'bench/tmp/',
    'models/',
    'examples/**/node_modules/',
    'examples/**/dist/',
    'training/runs/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are unused on purpose (a destructured rest, a callback's leading parameters).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  // Type-aware checks where promises abound: a promise dropped on the floor hides its rejection.
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/react.d.ts'], // a hand-written declaration file outside every tsconfig
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() returns a promise that the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  // The element: Lit's rules for templates, properties and lifecycle.
  { files: ['src/**/*.ts'], ...lit.configs['flat/recommended'] },
  // Code that runs in a page or a worker.
  {
    files: ['src/**', 'test/**', 'demo/**', 'examples/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  { files: ['test/**'], languageOptions: { globals: globals.mocha } },
  // Code that runs in Node: scripts, tool configs, node tests, the teacher renderers. Scripts also hand
  // functions to a page (puppeteer's page.evaluate), so they see browser globals too.
  {
    files: ['scripts/**', '*.mjs', '*.js', 'test/node/**', 'training/**', 'examples/**/*.config.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  { files: ['scripts/**'], languageOptions: { globals: globals.browser } },
]);
