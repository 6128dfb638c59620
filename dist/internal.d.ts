// Types of the bundle beside this file, for the tests that import it (test/tsconfig.json): those of its source
// entry point, so that type-checking needs no build. Kept in git; the package ships dist/types/ instead.
export * from '../src/internal.js';
