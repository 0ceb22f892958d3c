/**
 * CIDRs covering every address except loopback (127.0.0.0/8 and ::1), for k6's `blacklistIPs`
 * option. A hand-written k6 script chooses its own URLs, so rollgate cannot check them before
 * the run; when the runbook allows loopback only, k6 itself is told to refuse everything else.
 */

const mask = (bits: number, width: number) =>
  bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);

/** The CIDRs (as [network, prefix]) that together cover everything outside network/prefix. */
export function complementOf(network: bigint, prefix: number, width: number): [bigint, number][] {
  const out: [bigint, number][] = [];
  for (let i = 0; i < prefix; i++) {
    const flipped = network ^ (1n << BigInt(width - 1 - i));
    out.push([flipped & mask(i + 1, width), i + 1]);
  }
  return out;
}

const v4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
const v6 = (n: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - i * 16)) & 0xffffn).toString(16)).join(':');

/** Everything but 127.0.0.0/8 (8 CIDRs) and ::1 (128 CIDRs). */
export function nonLoopbackCidrs(): string[] {
  const ipv4 = complementOf(127n << 24n, 8, 32).map(([n, p]) => `${v4(n)}/${p}`);
  const ipv6 = complementOf(1n, 128, 128).map(([n, p]) => `${v6(n)}/${p}`);
  return [...ipv4, ...ipv6];
}
