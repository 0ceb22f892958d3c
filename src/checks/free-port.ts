import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';

/**
 * A loopback port free at the time of asking: the kernel picks one, the listener closes, and the
 * caller hands it to a process it starts (an embedded app's `{port}`, the embedded Prometheus).
 * It lives in checks/ so both the engine and the checks can use it without crossing layers.
 * @example const port = await freePort(); // 41234
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
