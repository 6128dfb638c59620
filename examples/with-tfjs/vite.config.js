export default { base: './', publicDir: '../public', build: { target: 'es2022' } };
