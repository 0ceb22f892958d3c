import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { GuardRequestError, guardTransport, sendRequest } from '../../src/engine/guards/request.ts';
import { daysFromNow, leafCert, makeCa, serveTls } from '../builtin/tls-certs.ts';
import { tempDirs } from '../demo/helpers.ts';

const dirs = tempDirs();
const ROOT = path.resolve(import.meta.dirname, '../..');
let echo: Server;
let echoURL: string;
beforeAll(async () => {
  // Answers with the headers it got; /hang never answers.
  echo = createServer((req, res) => {
    if (req.url === '/hang') return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.headers));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoURL = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(async () => {
  echo.closeAllConnections();
  await new Promise((resolve) => echo.close(resolve));
  dirs.cleanup();
});

describe("the guards' requests", () => {
  it("send the target's declared headers, read from the environment, and say which variable is missing", async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook template, read from the environment
    const spec = { headers: { 'X-Gateway': 'key ${GATEWAY_KEY}' } };
    const t = guardTransport(spec, { GATEWAY_KEY: 'gateway-key-1234' }, ROOT);
    expect(t.secrets).toEqual(['gateway-key-1234']);
    const a = await sendRequest(`${echoURL}/x`, { headers: t.headers, timeoutMs: 2000 });
    expect(JSON.parse(a.body)).toMatchObject({ 'x-gateway': 'key gateway-key-1234', connection: 'close' });
    expect(() => guardTransport(spec, {}, ROOT)).toThrow(
      'target header X-Gateway needs the environment variable GATEWAY_KEY, which is not set',
    );
  });

  it('time out, and stop when aborted, with what happened as the code', async () => {
    const slow = sendRequest(`${echoURL}/hang`, { timeoutMs: 100 });
    await expect(slow).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: 'TIMEOUT (no answer within 100 ms)',
    });
    const stop = new AbortController();
    const stopped = sendRequest(`${echoURL}/hang`, { timeoutMs: 5000, signal: stop.signal });
    stop.abort();
    await expect(stopped).rejects.toBeInstanceOf(GuardRequestError);
    await expect(stopped).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('trust the CA bundle the target declares over HTTPS; an unreadable bundle is an observation error', async () => {
    const dir = dirs.make();
    const ca = makeCa(dir);
    const server = await serveTls(
      leafCert(ca, { name: 'guards', hosts: ['127.0.0.1'], notAfter: daysFromNow(30) }),
    );
    try {
      await expect(sendRequest(`${server.url}/`, { timeoutMs: 2000 })).rejects.toBeInstanceOf(
        GuardRequestError,
      );
      const t = guardTransport({ caFile: ca.certFile }, {}, ROOT);
      expect((await sendRequest(`${server.url}/`, { ca: t.ca, timeoutMs: 2000 })).status).toBe(200);
      // A relative caFile is read from the project root (as the tls check reads it), not the
      // current directory: the run's working directory is not the project's.
      const relative = path.relative(dir, ca.certFile);
      expect(path.isAbsolute(relative)).toBe(false);
      const fromRoot = guardTransport({ caFile: relative }, {}, dir);
      expect((await sendRequest(`${server.url}/`, { ca: fromRoot.ca, timeoutMs: 2000 })).status).toBe(200);
      expect(() => guardTransport({ caFile: relative }, {}, ROOT)).toThrow(
        `cannot read the target's CA bundle ${relative} (ENOENT)`,
      );
    } finally {
      await server.close();
    }
    let error: unknown;
    try {
      guardTransport({ caFile: `${dir}/missing.pem` }, {}, ROOT);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ObservationError);
    expect(error).toMatchObject({ code: 'ROLLGATE_CA_BUNDLE' });
  });
});
