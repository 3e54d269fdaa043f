// Which two versions the history compares: the address's ?from=&to= when this model has
// them, else the one before the newest and the newest. An address naming a version the
// model does not have is reported (and the default shown), never silently ignored.

export interface Comparison {
  from: number;
  to: number;
  /** Versions the address asked for that the model does not have, and what is shown instead. */
  bad: { asked: string; shown: number }[];
}

/** `versions` newest first; null when there are fewer than two versions to compare. */
export function chooseVersions(versions: number[], from: string | null, to: string | null): Comparison | null {
  if (versions.length < 2) return null;
  const have = new Set(versions);
  const bad: Comparison["bad"] = [];
  const pick = (asked: string | null, fallback: number) => {
    if (asked === null || asked === "") return fallback;
    const n = /^[0-9]{1,9}$/.test(asked) ? Number(asked) : Number.NaN;
    if (have.has(n)) return n;
    bad.push({ asked: asked.slice(0, 40), shown: fallback });
    return fallback;
  };
  const f = pick(from, versions[1]!);
  const t = pick(to, versions[0]!);
  return { from: f, to: t, bad };
}
