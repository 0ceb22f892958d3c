/** The clock the harness reads. Tests fix it; a real run that fixes it says so in the verdict. */
export interface Clock {
  now(): Date;
  readonly fixed: boolean;
}

export const systemClock: Clock = { now: () => new Date(), fixed: false };

/** A clock stopped at `iso`; `advance` lets tests move it. */
export function fixedClock(iso: string): Clock & { advance(ms: number): void } {
  let t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`not an ISO date: ${iso}`);
  return {
    now: () => new Date(t),
    fixed: true,
    advance: (ms) => {
      t += ms;
    },
  };
}
