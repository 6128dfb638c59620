/**
 * `<blaze-face>` in React 19 JSX, typed: `import type {} from 'blaze-face/react'` once in the app.
 * React 19 sets a prop as the element's property when the element has one (so `faceStyle`, `seed` and friends
 * are properties, camelCase), and a prop `on<event>` holding a function as a listener for `<event>`, so the
 * element's events are `onblaze-face-load` and so on.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {
  BlazeFaceElement,
  BlazeFaceErrorEvent,
  BlazeFaceLikenessEvent,
  BlazeFaceLoadEvent,
  BlazeFaceProgressEvent,
  BlazeFaceRenderEvent,
  BlazeFaceTrackEvent,
  BlazeFaceWarningEvent,
} from './index.js';

type Settable =
  | 'alt'
  | 'seed'
  | 'latent'
  | 'faceStyle'
  | 'truncation'
  | 'mixSeed'
  | 'mixLayer'
  | 'backend'
  | 'loading'
  | 'skinTone'
  | 'hairColor'
  | 'faceWidth'
  | 'likeness'
  | 'camera'
  | 'maxFaces'
  | 'mirror'
  | 'blendOpacity'
  | 'blendFeather'
  | 'blendLighting'
  | 'tracking'
  | 'faceModel'
  | 'landmarkModel'
  | 'wasmBase';

export type BlazeFaceProps = DetailedHTMLProps<HTMLAttributes<BlazeFaceElement>, BlazeFaceElement> &
  Partial<Pick<BlazeFaceElement, Settable>> & {
    'onblaze-face-load'?: (event: BlazeFaceLoadEvent) => void;
    'onblaze-face-render'?: (event: BlazeFaceRenderEvent) => void;
    'onblaze-face-progress'?: (event: BlazeFaceProgressEvent) => void;
    'onblaze-face-error'?: (event: BlazeFaceErrorEvent) => void;
    'onblaze-face-track'?: (event: BlazeFaceTrackEvent) => void;
    'onblaze-face-warning'?: (event: BlazeFaceWarningEvent) => void;
    'onblaze-face-likeness'?: (event: BlazeFaceLikenessEvent) => void;
  };

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'blaze-face': BlazeFaceProps;
    }
  }
}
