import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    position: relative;
    width: var(--blaze-face-size, 256px);
    max-width: 100%;
    aspect-ratio: 1;
    contain: content;
  }
  :host([hidden]) {
    display: none;
  }
  :host([camera]) {
    aspect-ratio: var(--blaze-face-camera-aspect, 4 / 3);
  }
  .base {
    position: absolute;
    inset: 0;
  }
  canvas {
    display: block;
    width: 100%;
    height: 100%;
  }
  .camera {
    position: absolute;
    inset: 0;
    display: none;
    background: #000;
  }
  .camera.on {
    display: block;
  }
  .camera canvas {
    object-fit: cover;
  }
  .placeholder {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    background: var(--blaze-face-placeholder, radial-gradient(ellipse 34% 42% at 50% 48%, #0001 98%, transparent));
  }
  .placeholder .progress {
    position: absolute;
    left: 20%;
    right: 20%;
    bottom: 12%;
    height: 4px;
    border-radius: 2px;
    background: #0002;
    overflow: hidden;
  }
  .placeholder .bar {
    height: 100%;
    background: var(--blaze-face-accent, #3b6fd8);
  }
  /* Motion only for those who have not asked for less. */
  @media (prefers-reduced-motion: no-preference) {
    .placeholder {
      animation: breathe 1.6s ease-in-out infinite;
    }
    .placeholder .bar {
      transition: width 120ms linear;
    }
  }
  @keyframes breathe {
    50% {
      opacity: 0.6;
    }
  }
`;
