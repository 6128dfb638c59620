export default { base: './', publicDir: '../public', oxc: { jsx: { runtime: 'automatic' } } };
