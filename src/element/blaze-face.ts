import { BlazeFaceElement } from './blaze-face.component.js';

export { BlazeFaceElement };

if (!customElements.get('blaze-face')) customElements.define('blaze-face', BlazeFaceElement);

declare global {
  interface HTMLElementTagNameMap {
    'blaze-face': BlazeFaceElement;
  }
}
