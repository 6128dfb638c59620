/** The WebGL2 compositor's shaders (compositor-webgl2.ts): the frame, a flat face, and a face on the lens mesh. */
import { ROUND_FADE } from './compositor-2d-math.js';

export const VERT = `#version 300 es
in vec2 corner;            // unit square, 0..1
uniform mat3 toClip;       // unit square -> clip space
out vec2 uv;
void main() {
  uv = corner;
  vec3 p = toClip * vec3(corner, 1.0);
  gl_Position = vec4(p.xy, 0.0, 1.0);
}`;

export const VIDEO_FRAG = `#version 300 es
precision mediump float;
in vec2 uv;
uniform sampler2D tex;
out vec4 color;
void main() { color = vec4(texture(tex, uv).rgb, 1.0); }`;

// The face arrives premultiplied by its feathered alpha (baked on the CPU once per face and feather, see
// compositor-webgl2.ts), so one tap gives colour and alpha. Round fade: a face that reaches its texture's edge
// (hair, cheeks, shoulders) fades out over the outer ring of the disc inscribed in the texture (ROUND_FADE, in
// units of the texture's half-width), so the overlay never ends along the texture's rectangle.
const FACE_SAMPLE = `
uniform sampler2D tex;
uniform float opacity;
uniform float flipU;       // 1: sample mirrored, so a mirrored view shows the face unmirrored
/** The face at uv, premultiplied, faded out at the texture's inscribed disc. */
vec4 faceAt(vec2 uv) {
  vec2 st = vec2(mix(uv.x, 1.0 - uv.x, flipU), uv.y);
  return texture(tex, st) * (1.0 - smoothstep(${ROUND_FADE[0].toFixed(2)}, ${ROUND_FADE[1].toFixed(2)}, 2.0 * length(uv - 0.5)));
}`;

export const FACE_FRAG = `#version 300 es
precision mediump float;
in vec2 uv;
out vec4 color;
${FACE_SAMPLE}
void main() {
  color = faceAt(uv) * opacity;
}`;

// The lens: the face textured on this frame's mesh. Depth keeps the near side of a turned head in front.
// Lighting: the real face's luminance blurred to a few texels a face (a mip level of the frame's small copy),
// relative to the face's mean, scales the overlay; the mean against mid-grey dims it in a dark room. The shading is
// that coarse, so it is read per vertex (about 580 a face, closer together than its blur) and interpolated: per
// fragment it cost the lens as much again as the face itself on a software GPU.
export const MESH_VERT = `#version 300 es
in vec3 position;          // video pixels; z larger is farther
in vec2 texCoord;
in float edge;
uniform vec2 frameSize;
uniform float mirror;
uniform vec2 depth;        // (offset, scale) into clip depth
uniform sampler2D frame;
uniform float lighting;
uniform vec2 lod;          // (local shading, whole face)
uniform vec2 faceCentre;   // in frame uv
out vec2 uv;
out float weight;
out float gain;
const vec3 LUMA = vec3(0.299, 0.587, 0.114);
void main() {
  uv = texCoord;
  weight = edge;
  vec2 framePos = position.xy / frameSize;
  gain = 1.0;
  if (lighting > 0.0) {
    float local = dot(textureLod(frame, framePos, lod.x).rgb, LUMA);
    float mean = dot(textureLod(frame, faceCentre, lod.y).rgb, LUMA);
    float g = clamp(local / max(mean, 0.04), 0.5, 1.6) * clamp(mean / 0.45, 0.55, 1.15);
    gain = mix(1.0, g, lighting);
  }
  vec2 clip = vec2(framePos.x * 2.0 - 1.0, 1.0 - framePos.y * 2.0);
  clip.x *= mirror > 0.5 ? -1.0 : 1.0;
  gl_Position = vec4(clip, clamp((position.z - depth.x) * depth.y, -1.0, 1.0), 1.0);
}`;

export const MESH_FRAG = `#version 300 es
precision mediump float;
in vec2 uv;
in float weight;
in float gain;
out vec4 color;
${FACE_SAMPLE}
void main() {
  // Outside the texture's inscribed disc there is no face (faceAt's round fade).
  if (length(uv - 0.5) >= 0.5) discard;
  vec4 f = faceAt(uv) * smoothstep(0.0, 1.0, weight);
  if (f.a < 0.004) discard;
  color = vec4(f.rgb * gain, f.a) * opacity;
}`;
