import { assert } from '../core/assert.ts';

/**
 * A small, fast, seeded pseudo-random generator (sfc32, Chris Doty-Humphrey's "small fast
 * counting" generator: 128 bits of state, passes PractRand, four 32-bit operations a number).
 * Synthetic data must be replayable from a printed seed, so nothing here reads Math.random or
 * the clock. Only integers come out: amounts are built from them as bigint minor units.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seedWords: readonly [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = seedWords.map((word) => word >>> 0) as [number, number, number, number];
    // The authors' recommended warm-up: the first outputs of a fresh state are still correlated.
    for (let round = 0; round < 12; round += 1) this.nextUint32();
  }

  /** A uniformly distributed integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** An integer in [0, bound). Rejection sampling keeps it unbiased for any bound. */
  integerBelow(bound: number): number {
    assert(Number.isInteger(bound) && bound > 0 && bound <= 2 ** 32, 'bound must be an integer in 1..2^32');
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % bound;
    }
  }

  /** An integer in [minimum, maximum], both included. */
  integerBetween(minimum: number, maximum: number): number {
    assert(maximum >= minimum, 'maximum must not be below minimum');
    return minimum + this.integerBelow(maximum - minimum + 1);
  }

  /** True with the given chance in percent (0 never, 100 always). */
  percent(chancePercent: number): boolean {
    return this.integerBelow(100) < chancePercent;
  }

  pick<T>(values: readonly T[]): T {
    assert(values.length > 0, 'cannot pick from an empty list');
    return values[this.integerBelow(values.length)]!;
  }

  /** Picks a value by integer weights: [[value, weight], ...]. */
  pickWeighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let ticket = this.integerBelow(total);
    for (const [value, weight] of choices) {
      if (ticket < weight) return value;
      ticket -= weight;
    }
    throw new Error('unreachable: the ticket is below the total weight');
  }
}

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the whole word. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The generator of one numbered stream (an account) under a seed. Each account draws from its
 * own stream, so an account's data depends only on the seed and its number: the same whatever
 * the chunk size or the order in which chunks are made.
 */
export function randomForStream(seed: number, streamNumber: number): SeededRandom {
  assert(Number.isSafeInteger(seed) && seed >= 0, 'the seed must be a non-negative safe integer');
  assert(Number.isSafeInteger(streamNumber) && streamNumber >= 0, 'the stream number must be a non-negative safe integer');
  const seedLow = seed >>> 0;
  const seedHigh = Math.floor(seed / 2 ** 32) >>> 0;
  const streamLow = streamNumber >>> 0;
  const streamHigh = Math.floor(streamNumber / 2 ** 32) >>> 0;
  return new SeededRandom([
    mix32(seedLow ^ 0x9e3779b9),
    mix32(seedHigh ^ mix32(streamLow + 0x7f4a7c15)),
    mix32(streamLow ^ mix32(seedLow + 0x632be5ab)),
    mix32(streamHigh ^ 0x85157af5),
  ]);
}
