/**
 * Writes streamed runner output whole lines at a time, each masked. Masking chunk by chunk would
 * miss a secret that one chunk ends and the next begins; secrets never span a newline.
 * @example const out = maskedLines((t) => process.stdout.write(t), () => mask); out.write('pa'); out.write('ss\n');
 */
export function maskedLines(
  write: (text: string) => void,
  mask: () => (text: string) => string,
): { write(chunk: string): void; flush(): void } {
  let pending = '';
  return {
    write(chunk) {
      pending += chunk;
      const end = pending.lastIndexOf('\n');
      if (end < 0) return;
      write(mask()(pending.slice(0, end + 1)));
      pending = pending.slice(end + 1);
    },
    flush() {
      if (pending) write(mask()(pending));
      pending = '';
    },
  };
}
