import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardUnhandledRejections } from './guard-rejections.ts';

describe('guardUnhandledRejections', () => {
  it('writes an unhandled rejection as one stderr line, until removed', () => {
    const proc = new EventEmitter();
    const lines: string[] = [];
    const unguard = guardUnhandledRejections(proc, (l) => lines.push(l));
    proc.emit('unhandledRejection', 'socket gone');
    expect(lines).toEqual(['gtm mcp: a promise was rejected with no handler; still serving: socket gone\n']);
    unguard();
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('keeps a Node process alive past a rejection no one handles (it exits 1 without the guard)', () => {
    const module = path.join(import.meta.dirname, 'guard-rejections.ts');
    const script = (guarded: boolean) =>
      `${guarded ? `const { guardUnhandledRejections } = await import(${JSON.stringify(module)}); guardUnhandledRejections();` : ''}
       Promise.reject(new Error('stray'));
       setTimeout(() => console.log('still serving'), 50);`;
    const run = (guarded: boolean) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(guarded)], {
        encoding: 'utf8',
      });
    const bare = run(false);
    expect(bare.status).toBe(1);
    expect(bare.stdout).toBe('');
    const guarded = run(true);
    expect(guarded.status, guarded.stderr).toBe(0);
    expect(guarded.stdout).toBe('still serving\n');
    expect(guarded.stderr).toMatch(
      /^gtm mcp: a promise was rejected with no handler; still serving: Error: stray\n/,
    );
  });
});
