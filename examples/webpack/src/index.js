// The same app as the Vite one, bundled by webpack 5.
import { BlazeFaceElement } from 'blaze-face';

BlazeFaceElement.assetBase = new URL('blaze-face/', document.baseURI).href;

const face = document.querySelector('blaze-face');
document.querySelector('#camera').onclick = () => {
  face.camera = !face.camera;
};
