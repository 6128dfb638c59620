/**
 * Compiling and linking a WebGL2 program, for the core's face draw path (face-pixels.ts) and the camera's
 * compositor. No DOM beyond the context it is given.
 */

/**
 * The program of a vertex and a fragment shader; `attributes` bound to locations 0, 1, ... in order. Throws saying
 * which shader failed and the driver's log; `label` names the caller in the message.
 */
export function linkProgram(
  gl: WebGL2RenderingContext,
  vertex: string,
  fragment: string,
  label: string,
  attributes: readonly string[] = [],
): WebGLProgram {
  const program = gl.createProgram()!;
  for (const [type, source] of [
    [gl.VERTEX_SHADER, vertex],
    [gl.FRAGMENT_SHADER, fragment],
  ] as const) {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS))
      throw new Error(`${label} shader: ${gl.getShaderInfoLog(shader)}`);
    gl.attachShader(program, shader);
    gl.deleteShader(shader); // freed with the program it is attached to
  }
  attributes.forEach((name, i) => gl.bindAttribLocation(program, i, name));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS))
    throw new Error(`${label} program: ${gl.getProgramInfoLog(program)}`);
  return program;
}
