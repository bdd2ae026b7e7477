// Where a value sits on a control's slider. A span of two orders of magnitude or more
// (1 to 2,000 worker connections) is logarithmic, so 10 and 50 get as much of the slider
// as 1,000 and 2,000; a short span (keep-alive 0 to 10 s) is linear. The slider always
// runs over POSITIONS steps; the number box beside it takes any value the schema allows.

export const POSITIONS = 1000;

export interface SliderScale {
  /** The slider position (0 to POSITIONS) that shows `value`. */
  position(value: number): number;
  /** The value a slider position stands for, rounded as the field is read. */
  value(position: number): number;
}

export function sliderScale(min: number, max: number, kind: 'integer' | 'number' | 'seconds'): SliderScale {
  const span = Math.max(max - min, kind === 'integer' ? 1 : 1e-6);
  const round = (v: number) =>
    kind === 'integer' ? Math.round(v) : kind === 'seconds' ? Math.round(v * 100) / 100 : Number(v.toPrecision(3));
  const clamp = (p: number) => Math.min(POSITIONS, Math.max(0, Math.round(p)));
  if (span >= 100) {
    // log(1 + distance from min): defined at min itself, so a minimum of 0 works too.
    const top = Math.log1p(span);
    return {
      position: (v) => clamp((Math.log1p(Math.max(0, v - min)) / top) * POSITIONS),
      value: (p) => round(min + Math.expm1((clamp(p) / POSITIONS) * top)),
    };
  }
  return {
    position: (v) => clamp(((v - min) / span) * POSITIONS),
    value: (p) => round(min + (clamp(p) / POSITIONS) * span),
  };
}
