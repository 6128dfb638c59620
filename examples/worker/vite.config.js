// A worker that imports modules lazily (tfjs picks its backend at run time) must be an ES module worker.
export default { base: './', publicDir: '../public', worker: { format: 'es' } };
