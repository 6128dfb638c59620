// An app with TensorFlow.js of its own. blaze-face's bundler build imports @tensorflow/tfjs-core rather than
// carrying a copy, so the app bundle has one tfjs, and `backend="auto"` keeps the backend the app chose.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BlazeFaceElement } from 'blaze-face';

BlazeFaceElement.assetBase = `${import.meta.env.BASE_URL}blaze-face/`;

await tf.setBackend('cpu');
const y = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), 2)));
document.querySelector('#app').textContent = `the app's own model: ${(await y.data())[0]} on ${tf.getBackend()}`;
y.dispose();
