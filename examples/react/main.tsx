// React 19 passes props to custom elements as properties and `on<event>` props as listeners, so <blaze-face>
// needs no wrapper; `blaze-face/react` types its props and events.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BlazeFaceElement, type BlazeFaceLoadEvent, type BlazeFaceErrorEvent } from 'blaze-face';
import type {} from 'blaze-face/react';

BlazeFaceElement.assetBase = `${import.meta.env.BASE_URL}blaze-face/`;

function App() {
  const [seed, setSeed] = useState(7);
  const [status, setStatus] = useState('loading…');
  return (
    <>
      <blaze-face
        seed={seed}
        faceStyle="toon"
        truncation={0.8}
        onblaze-face-load={(e: BlazeFaceLoadEvent) => setStatus(`loaded ${e.detail.style} on ${e.detail.backend}`)}
        onblaze-face-render={(e) => setStatus(`seed ${seed} drawn in ${e.detail.ms.toFixed(0)} ms`)}
        onblaze-face-error={(e: BlazeFaceErrorEvent) => setStatus(`${e.detail.type}: ${e.detail.message}`)}
      />
      <button onClick={() => setSeed((s) => s + 1)}>Next face</button>
      <p id="status">{status}</p>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
