// Random strings that match a field's `pattern`, drawn from the seed's own random source
// (so a seed repeats exactly) with randexp. Patterns randexp cannot read the way the
// validator does (e.g. \p{…} classes) just produce strings the field refuses; the caller
// checks every value and gives up after a few tries with an error naming the field.
import RandExp from "randexp";
import type { Rng } from "../../model/fields/kind";

/**
 * Without `stretch`, open-ended repetitions (`+`, `*`, `{2,}`) repeat a few times, for short
 * plausible values. With `stretch` in [0, 1], every repetition takes that fraction of its
 * range up to `longest`: a caller sweeping stretch from 0 to 1 reaches every length a
 * simple pattern can have, so a minLength/maxLength band is found in a few tries, not by luck.
 */
export type PatternMaker = (rng: Rng, stretch?: number) => string | undefined;

const SHORT = 8;

/** A generator for `pattern`, or undefined when randexp cannot parse it. */
export function patternMaker(pattern: string, longest: number): PatternMaker | undefined {
  let re: RandExp;
  try {
    re = new RandExp(new RegExp(pattern, "u"));
  } catch {
    return undefined;
  }
  let current: Rng = Math.random,
    stretch: number | undefined;
  re.randInt = (a: number, b: number) => a + Math.floor(current() * (b - a + 1));
  // randexp rebuilds a character class's range on every draw; the classes never change, so
  // each is built once (patterned values became 3–5x faster to generate).
  const expand = re._expand.bind(re);
  const ranges = new WeakMap<object, ReturnType<typeof expand>>();
  re._expand = (token) => {
    let r = ranges.get(token);
    if (!r) {
      r = expand(token);
      ranges.set(token, r);
    }
    return r;
  };
  // Repetition counts go through the instance's _gen (recursively), so they can be steered here.
  const gen = re._gen.bind(re) as (token: { type: number; min?: number; max?: number }, groups: unknown) => string;
  const REPETITION = 5; // ret's token type for {m,n}, +, *
  (re as unknown as { _gen: typeof gen })._gen = (token, groups) => {
    if (stretch === undefined || token.type !== REPETITION) return gen(token, groups);
    const lo = token.min!,
      hi = token.max === Infinity ? lo + re.max : token.max!;
    const n = lo + Math.round(stretch * (hi - lo));
    return gen({ ...token, min: n, max: n }, groups);
  };
  return (rng, s) => {
    current = rng;
    stretch = s;
    re.max = s === undefined ? Math.min(SHORT, longest) : longest;
    try {
      return re.gen();
    } catch {
      return undefined;
    }
  };
}
