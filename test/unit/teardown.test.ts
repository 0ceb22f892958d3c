import { describe, expect, test } from 'vitest';
import { createTeardown } from '../../src/engine/teardown.ts';

describe('teardown registry', () => {
  test('runs releases last registered first, awaiting each before the next', async () => {
    const t = createTeardown();
    const order: string[] = [];
    t.defer('signals', () => order.push('signals'));
    t.defer('children', async () => {
      await Promise.resolve();
      order.push('children');
    });
    t.defer('scratch', () => order.push('scratch'));
    expect(await t.runAll()).toEqual([]);
    expect(order).toEqual(['scratch', 'children', 'signals']);
  });

  test('a release that throws or rejects does not stop the others; each failure is named', async () => {
    const t = createTeardown();
    const ran: string[] = [];
    t.defer('first', () => ran.push('first'));
    t.defer('drop the scratch copy', () => Promise.reject(new Error('server gone')));
    t.defer('middle', () => ran.push('middle'));
    t.defer('remove the folder', () => {
      throw new Error('EACCES');
    });
    t.defer('last registered', () => ran.push('last registered'));
    const failures = await t.runAll();
    expect(ran).toEqual(['last registered', 'middle', 'first']);
    expect(failures.map((f) => [f.name, f.error.message])).toEqual([
      ['remove the folder', 'EACCES'],
      ['drop the scratch copy', 'server gone'],
    ]);
  });

  test('a thrown non-Error is reported as an Error', async () => {
    const t = createTeardown();
    t.defer('odd', () => {
      throw 'a string';
    });
    const [f] = await t.runAll();
    expect(f!.error).toBeInstanceOf(Error);
    expect(f!.error.message).toBe('a string');
  });

  test('runs once: later and concurrent calls share the first run', async () => {
    const t = createTeardown();
    let count = 0;
    t.defer('count', async () => {
      await Promise.resolve();
      count++;
    });
    const [a, b] = await Promise.all([t.runAll(), t.runAll()]);
    expect(await t.runAll()).toBe(a);
    expect(b).toBe(a);
    expect(count).toBe(1);
  });

  test('a release deferred while releasing runs in the same pass; one deferred after runs at once', async () => {
    const t = createTeardown();
    const ran: string[] = [];
    t.defer('outer', () => {
      ran.push('outer');
      t.defer('registered during', () => ran.push('registered during'));
    });
    const failures = await t.runAll();
    expect(ran).toEqual(['outer', 'registered during']);
    let late: () => void = () => {};
    const lateRan = new Promise<void>((resolve) => {
      late = resolve;
    });
    t.defer('late', () => {
      late();
      throw new Error('late failure');
    });
    await lateRan;
    await Promise.resolve();
    expect(failures.map((f) => f.name)).toEqual(['late']);
  });
});
