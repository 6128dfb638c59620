// `npm start`: serves the package folder as it is (the demo imports the built dist/blaze-face.js), cross-origin
// isolated: with these two headers the page may use SharedArrayBuffer, and tfjs's wasm backend takes its threaded
// build (docs/performance.md, "wasm threads"). Everything the demo loads is same-origin, so require-corp blocks nothing.
export default {
  rootDir: '.',
  port: 8000,
  open: false,
  watch: false,
  middleware: [
    (ctx, next) => {
      ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
      ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
      return next();
    },
  ],
};
