// Faces drawn by a worker: the page hands it the canvas and stays free.
const canvas = document.querySelector('canvas');
const status = document.querySelector('#status');
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const offscreen = canvas.transferControlToOffscreen();
worker.postMessage({ canvas: offscreen, seed: 7, assetBase: new URL('blaze-face/', document.baseURI).href }, [
  offscreen,
]);
worker.onmessage = ({ data }) => {
  status.textContent = data.error ? `error: ${data.error}` : `seed ${data.seed} on ${data.backend} (${data.reason})`;
  canvas.dataset.state = data.error ? 'error' : 'drawn';
};
