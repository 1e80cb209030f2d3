/**
 * Files that are not what they claim, given to `gtm events`: an image or random bytes as a plan or as
 * payloads, an empty plan. One INPUT line saying what the file is, never its raw bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializePlanDocument } from '../../src/analyses/instrumentation/index.ts';
import { printable } from '../../src/cli/output.ts';
import { firstBinaryByte } from '../../src/commands/shared/tracking-plan-io/text-file.ts';
import { shopPlan } from '../fixtures/events/shop-plan.ts';
import { runCli } from '../helpers/run-cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gtm-bad-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

// A PNG: its 8-byte signature, an IHDR chunk, then bytes that are not text (no NUL among the first).
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('IHDR'),
  Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 37 + 11) % 256)),
]);
// "random" bytes, fixed: text for 5 bytes, then a lone continuation byte (0x9c) at byte 6
const random = Buffer.concat([Buffer.from('abc: '), Buffer.from([0x9c, 0xff, 0x41, 0x07, 0xc3, 0x28])]);
const plan = file('plan.yaml', serializePlanDocument(shopPlan(), 'yaml'));
const NOT_PRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/;

async function oneError(argv: string[]): Promise<string> {
  const r = await runCli([...argv, '--json'], { cwd: dir });
  expect(r.code, r.stderr).toBe(4);
  expect(r.stderrLines).toHaveLength(1);
  expect(r.stderrLines[0]).not.toMatch(NOT_PRINTABLE);
  return r.stderrLines[0];
}

describe('events: files that are not what they claim', () => {
  it('a PNG as a plan (.yaml, .json) is named as an image, with the byte', async () => {
    for (const name of ['img.yaml', 'img.json']) {
      const p = file(name, png);
      expect(await oneError(['events', 'lint', '--plan', p])).toMatch(
        new RegExp(
          `^error\\[INPUT\\] ${p}: not a text file: it is a PNG image \\(binary content at byte 1\\) — `,
        ),
      );
    }
  });

  it('random bytes as a plan: not a text file, at the first byte that is not text', async () => {
    const p = file('rand.yaml', random);
    expect(await oneError(['events', 'lint', '--plan', p])).toMatch(
      /: not a text file \(binary content at byte 6\) — give the tracking plan file/,
    );
  });

  it('an empty plan file (0 bytes, or blank) is "the file is empty", whatever its extension', async () => {
    for (const [name, content, why] of [
      ['empty.yaml', '', 'the file is empty (0 bytes)'],
      ['empty.json', '', 'the file is empty (0 bytes)'],
      ['blank.yaml', '\n  \n', 'the file is empty (only blank space)'],
    ]) {
      const p = file(name, content);
      expect(await oneError(['events', 'lint', '--plan', p])).toContain(`${p}: ${why} — `);
    }
  });

  it('an image or random bytes as payloads are refused before parsing', async () => {
    const img = file('img.ndjson', png);
    expect(await oneError(['events', 'validate', '--plan', plan, '--input', img])).toContain(
      `${img}: not a text file: it is a PNG image (binary content at byte 1)`,
    );
    const rand = file('rand.ndjson', Buffer.concat([Buffer.from('{"type":"track"}\n'), random]));
    expect(await oneError(['events', 'validate', '--plan', plan, '--input', rand])).toContain(
      `${rand}: not a text file (binary content at byte 23)`,
    );
  });

  it('an error line never prints raw bytes: escaped, and cut when very long', () => {
    expect(printable('bad "\u0007\ufffd\r" here')).toBe('bad "\\x07\\uFFFD\\x0d" here');
    const long = `error[INPUT] f: ${'x'.repeat(5000)} — the hint`;
    const out = printable(long);
    expect(out.length).toBeLessThan(1200);
    expect(out.endsWith('— the hint')).toBe(true);
    expect(out).toContain('characters cut');
  });

  it('finds the first byte that is not text', () => {
    expect(firstBinaryByte(Buffer.from('héllo\tworld\r\n'))).toBe(-1);
    expect(firstBinaryByte(Buffer.from([0x61, 0x00]))).toBe(2);
    expect(firstBinaryByte(Buffer.from([0x61, 0xc3]))).toBe(2);
    expect(firstBinaryByte(Buffer.from([0x61, 0xc3]), true)).toBe(-1);
    expect(firstBinaryByte(Buffer.from([0xe2, 0x82, 0xac, 0xed, 0xa0, 0x80]))).toBe(4); // € then a surrogate
    expect(firstBinaryByte(Buffer.from([0xc0, 0xaf]))).toBe(1); // overlong
  });
});
