// Seeded, named random streams. Each stream is its own generator seeded from the
// scenario seed and the stream's name, so adding a component (and its stream) never
// shifts the draws of the others. The model draws from these streams only, never from
// the global, unseeded generator.
import seedrandom from 'seedrandom';

/** A source of uniform numbers in [0, 1). */
export type Uniform = () => number;

export class RandomStreams {
  private readonly streams = new Map<string, Uniform>();

  constructor(readonly seed: number | string) {}

  /** The stream called `name`; the same name always gives the same stream. */
  stream(name: string): Uniform {
    let s = this.streams.get(name);
    if (s === undefined) {
      // Alea: fast, good statistical quality, and seedrandom keeps it byte-stable.
      s = seedrandom.alea(`${this.seed}/${name}`) as unknown as Uniform;
      this.streams.set(name, s);
    }
    return s;
  }
}
