// `npm start`: serves the package folder as it is (the demo imports the built dist/blaze-face.js).
export default {
  rootDir: '.',
  port: 8000,
  open: false,
  watch: false,
};
