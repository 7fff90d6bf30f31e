/** A source of whole numbers below a bound, for tests that mix operations at random. */
export type RandomSource = (below: number) => number;

/** A small deterministic generator (mulberry32), so a failing mix of operations can be replayed from its seed. */
export function randomSource(start: number): RandomSource {
  let state = start >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * below);
  };
}
