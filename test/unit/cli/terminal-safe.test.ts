/**
 * Text from the data reaches the terminal as text: every way the CLI writes (the human view,
 * listings, warnings, progress, errors) escapes control characters but tab and line feed, so an
 * OSC (window title, OSC 8 link), a CSI (clear screen) or a C1 control in a value prints as
 * `\xNN` instead of acting on the terminal.
 */
import { describe, expect, it } from 'vitest';
import { createOutput, printable, terminalSafe } from '../../../src/cli/output.ts';

const HOSTILE =
  'pm\u001b]0;PWNED\u0007\u001b[2J\u009b31m\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\\r\u0000\u007f';
const ESCAPED =
  'pm\\x1b]0;PWNED\\x07\\x1b[2J\\x9b31m\\x1b]8;;https://evil.example\\x1b\\link\\x1b]8;;\\x1b\\\\x0d\\x00\\x7f';

/** Any character a terminal acts on, but tab and line feed. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function capture(tty: boolean) {
  const out = { stdout: '', stderr: '' };
  const o = createOutput(
    {
      stdout: { write: (s: string) => (out.stdout += s), isTTY: tty },
      stderr: { write: (s: string) => (out.stderr += s), isTTY: tty },
    },
    { json: false, verbose: true },
  );
  return { o, out };
}

describe('terminalSafe', () => {
  it('escapes C0 (but tab and line feed), DEL and C1, and keeps the rest', () => {
    expect(terminalSafe(HOSTILE)).toBe(ESCAPED);
    expect(terminalSafe('a\tb\nc — München ✓')).toBe('a\tb\nc — München ✓');
    for (let c = 0; c <= 0x9f; c++) {
      const ch = String.fromCharCode(c);
      const kept = c === 9 || c === 10 || (c >= 0x20 && c < 0x7f);
      expect(terminalSafe(ch), c.toString(16)).toBe(kept ? ch : `\\x${c.toString(16).padStart(2, '0')}`);
    }
  });

  it('is what error lines use (with U+FFFD escaped there too)', () => {
    expect(printable(`x ${HOSTILE} \ufffd`)).toBe(`x ${ESCAPED} \\uFFFD`);
  });
});

describe('createOutput writes no control character from the text it is given', () => {
  for (const tty of [true, false])
    it(`human view, text, warning, progress and error (${tty ? 'terminal' : 'piped'})`, () => {
      const { o, out } = capture(tty);
      o.progress(`reading ${HOSTILE}`);
      o.warn(`unknown partner ${HOSTILE}`);
      o.result({ partner: HOSTILE }, () => `Partners\n${HOSTILE}\t1,235\n`);
      o.text(`plan ${HOSTILE}`);
      o.error(`error[INPUT] ${HOSTILE}`);
      expect(out.stdout).not.toMatch(CONTROL);
      expect(out.stdout).toContain(`Partners\n${ESCAPED}\t1,235\n`);
      expect(out.stdout).toContain(`plan ${ESCAPED}\n`);
      // the progress line's own dim style and line clearing are the only escapes on stderr
      const own = out.stderr.replace(/\r\x1b\[2K|\x1b\[2m|\x1b\[0m/g, '');
      expect(own).not.toMatch(CONTROL);
      expect(own).toContain(`warning: unknown partner ${ESCAPED}\n`);
      expect(own).toContain(`error[INPUT] ${ESCAPED}\n`);
      expect(own).toContain(`reading ${ESCAPED.slice(0, 20)}`);
    });

  it('leaves JSON as JSON.stringify writes it (escaped already)', () => {
    const out = { stdout: '' };
    const o = createOutput(
      { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: () => true } },
      { json: true },
    );
    o.result({ partner: HOSTILE }, () => '');
    expect(out.stdout).not.toMatch(CONTROL);
    expect(JSON.parse(out.stdout)).toEqual({ partner: HOSTILE });
  });
});
