import { mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { writeReportFiles } from './write-report-files.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gtm-report-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const ioError = async (p: Promise<unknown>): Promise<GtmError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GtmError);
  expect((err as GtmError).code).toBe('IO');
  return err as GtmError;
};

describe('writeReportFiles', () => {
  it('writes content given in pieces one after the other, in order', async () => {
    const dir = path.join(tmp, 'pieces');
    const pieces = [Buffer.from('a,b\n'), new Uint8Array(0), Buffer.from('é,1\n'), Buffer.from('2,3\n')];
    await writeReportFiles(dir, [{ name: 'scores.csv', content: pieces }]);
    expect(await readFile(path.join(dir, 'scores.csv'), 'utf8')).toBe('a,b\né,1\n2,3\n');
  });

  it('creates the directory, writes text and bytes, and returns the paths', async () => {
    const dir = path.join(tmp, 'reports', 'track-source', 'run-1');
    const written = await writeReportFiles(dir, [
      { name: 'summary.md', content: '# Hi\n' },
      { name: 'tables/partners.csv', content: 'a,b\n' },
      { name: 'snapshot.bin', content: Buffer.from([0, 1, 2, 255]) },
    ]);
    expect(written).toEqual([
      path.join(dir, 'summary.md'),
      path.join(dir, 'tables', 'partners.csv'),
      path.join(dir, 'snapshot.bin'),
    ]);
    expect(await readFile(path.join(dir, 'summary.md'), 'utf8')).toBe('# Hi\n');
    expect(await readFile(path.join(dir, 'tables/partners.csv'), 'utf8')).toBe('a,b\n');
    expect([...(await readFile(path.join(dir, 'snapshot.bin')))]).toEqual([0, 1, 2, 255]);
  });

  it('replaces an existing file and leaves no temporary files behind', async () => {
    await writeReportFiles(tmp, [{ name: 'a.txt', content: 'old' }]);
    await writeReportFiles(tmp, [{ name: 'a.txt', content: 'new' }]);
    expect(await readFile(path.join(tmp, 'a.txt'), 'utf8')).toBe('new');
    expect(await readdir(tmp)).toEqual(['a.txt']);
  });

  it.each([
    ['../escape.txt', /"\.\."/],
    ['tables/../../escape.txt', /"\.\."/],
    ['/etc/passwd', /absolute/],
    ['C:\\Windows\\x.txt', /absolute/],
    ['\\\\server\\share\\x', /absolute/],
    ['..\\escape.txt', /"\.\."/],
    ['', /empty/],
    ['./', /no file part/],
    ['a\0b', /NUL/],
  ])('refuses %j before writing anything', async (name, reason) => {
    const dir = path.join(tmp, 'out');
    const err = await ioError(
      writeReportFiles(dir, [
        { name: 'ok.txt', content: 'x' },
        { name, content: 'x' },
      ]),
    );
    expect(err.message).toMatch(reason);
    expect(err.hint).toMatch(/relative paths inside the output folder/);
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
    await expect(readdir(path.dirname(tmp))).resolves.not.toContain('escape.txt');
  });

  it('refuses a name listed twice', async () => {
    const err = await ioError(
      writeReportFiles(tmp, [
        { name: 'a.csv', content: '1' },
        { name: './a.csv', content: '2' },
      ]),
    );
    expect(err.message).toMatch(/listed twice/);
  });

  it('refuses to write through a symbolic link to a directory outside', async () => {
    const outside = path.join(tmp, 'outside');
    const dir = path.join(tmp, 'report');
    await mkdir(outside);
    await mkdir(dir);
    await symlink(outside, path.join(dir, 'tables'));
    const err = await ioError(writeReportFiles(dir, [{ name: 'tables/x.csv', content: 'pwned' }]));
    expect(err.message).toMatch(/symbolic link/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses to replace a file that is a symbolic link, and leaves its target alone', async () => {
    const target = path.join(tmp, 'precious.txt');
    await writeFile(target, 'keep');
    const dir = path.join(tmp, 'report');
    await mkdir(dir);
    await symlink(target, path.join(dir, 'summary.md'));
    const err = await ioError(writeReportFiles(dir, [{ name: 'summary.md', content: 'pwned' }]));
    expect(err.message).toMatch(/symbolic link/);
    expect(await readFile(target, 'utf8')).toBe('keep');
  });

  it('allows the report directory itself to be a link (the user chose it)', async () => {
    const real = path.join(tmp, 'real');
    await mkdir(real);
    await symlink(real, path.join(tmp, 'linked'));
    await writeReportFiles(path.join(tmp, 'linked'), [{ name: 'a.txt', content: 'ok' }]);
    expect(await readFile(path.join(real, 'a.txt'), 'utf8')).toBe('ok');
  });

  it('turns a file in the way of a folder into an IO error', async () => {
    await writeFile(path.join(tmp, 'tables'), 'not a dir');
    const err = await ioError(writeReportFiles(tmp, [{ name: 'tables/x.csv', content: '1' }]));
    expect(err.message).toMatch(/not a directory/);
  });
});
