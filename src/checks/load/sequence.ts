const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The order endpoints are requested in, one cycle of it: each endpoint appears `weight` times
 * (weights reduced by their common divisor), spread out by smooth weighted round-robin (as
 * nginx balances upstreams) so a 3:1 mix reads A A B A, not A A A B. Both engines walk the same
 * cycle, so k6 and autocannon send the same mix.
 * @example endpointSequence([{ name: 'a', weight: 3 }, { name: 'b', weight: 1 }]).map((e) => e.name) // ['a', 'a', 'b', 'a']
 */
export function endpointSequence<T extends { weight: number }>(endpoints: readonly T[]): T[] {
  if (endpoints.length === 0) return [];
  const divisor = endpoints.reduce((g, e) => gcd(g, e.weight), 0);
  const weights = endpoints.map((e) => e.weight / divisor);
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  const out: T[] = [];
  for (let step = 0; step < total; step++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i]! += weights[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    out.push(endpoints[best]!);
  }
  return out;
}
