import { describe, expect, it } from 'vitest';
import { baseUrlArg, DEFAULT_BASE_URL } from '../../src/cli/init.ts';

/**
 * The one `--base-url` reader `rollgate init` and `rollgate import` share: an http(s) URL, its
 * trailing slashes dropped, the default when absent; anything else a bad argument naming the
 * command it was given to (the CLI's exit 2 is in init.test.ts and import-cli.test.ts).
 */
describe('baseUrlArg', () => {
  it('takes an http(s) URL without its trailing slashes, and defaults to the local app', () => {
    expect(baseUrlArg('import', 'http://127.0.0.1:4100/')).toBe('http://127.0.0.1:4100');
    expect(baseUrlArg('init', 'https://staging.example.com//')).toBe('https://staging.example.com');
    expect(baseUrlArg('import', undefined)).toBe(DEFAULT_BASE_URL);
  });

  it.each(['init', 'import'])('refuses what is not http(s), naming %s', (command) => {
    for (const bad of ['ftp://files.example.com', 'localhost:3000', ''])
      expect(() => baseUrlArg(command, bad), bad).toThrow(
        expect.objectContaining({
          code: 'ROLLGATE_BAD_ARGUMENT',
          message: expect.stringContaining(`${command} --base-url: "${bad}" is not an http(s) URL`),
        }),
      );
  });
});
