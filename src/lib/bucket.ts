// A token bucket per key (a remote address, an account, a token): `burst` tokens at most,
// `perSecond` added back each second. Used for new MCP sessions (a flood of initialize
// requests cannot cycle through the session pool faster than an agent at work uses its
// session), login attempts, and requests per client.

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Take one token for `key`: 0 when taken, else the seconds until one is there. */
  take(key: string): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }

  /** Forget buckets that are full again (a fresh one is the same), so the map stays small. */
  prune(): void {
    const t = this.now();
    for (const [key, b] of this.buckets) if (b.tokens + ((t - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
  }
}
