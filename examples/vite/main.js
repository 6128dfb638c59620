// `import 'blaze-face'` registers <blaze-face>. A bundler leaves the package's models and wasm behind: `npm run
// assets` (blaze-face-assets public/blaze-face) copies them into the public folder, and assetBase says where.
import { BlazeFaceElement } from 'blaze-face';

BlazeFaceElement.assetBase = `${import.meta.env.BASE_URL}blaze-face/`;

const face = document.querySelector('blaze-face');
document.querySelector('#camera').onclick = () => {
  face.camera = !face.camera;
};
