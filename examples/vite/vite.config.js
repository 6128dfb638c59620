// base './': the built app works from any folder of any host. `vite` and `vite preview` send the two headers that
// make the page cross-origin isolated, so tfjs's wasm backend runs its threaded build (docs/performance.md, "wasm
// threads"); a production host sends the same two.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
export default { base: './', publicDir: '../public', server: { headers: isolation }, preview: { headers: isolation } };
