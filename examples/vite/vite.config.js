// base './': the built app works from any folder of any host.
export default { base: './', publicDir: '../public' };
