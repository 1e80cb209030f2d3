/**
 * Builds a string that matches a regular expression, for sample payloads of properties that carry
 * a `pattern`. Supports what JSON Schema patterns use in practice: anchors, groups (capturing,
 * non-capturing, lookaheads are skipped), alternation, classes with ranges and escapes, `.`,
 * `\d \w \s` and their negations, and the quantifiers `* + ? {n} {n,} {n,m}` (lazy or greedy).
 * Unbounded quantifiers repeat `min + extra` times, so callers can grow the sample to reach a
 * `minLength`. Returns undefined for constructs it cannot honour (backreferences) — callers
 * verify the result with the real RegExp anyway.
 */
type Node =
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'chars'; pick: string }
  | { t: 'repeat'; node: Node; min: number; max: number }
  | { t: 'empty' };

const SAFE_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * @example sampleFromRegex('^sp_[A-Za-z2-7]{26}$') // 'sp_AAAAAAAAAAAAAAAAAAAAAAAAAA'
 */
export function sampleFromRegex(pattern: string, extra = 0, variant = 0): string | undefined {
  let pos = 0;
  let unsupported = false;

  const peek = () => pattern[pos];

  const parseAlt = (): Node => {
    const options: Node[] = [parseSeq()];
    while (peek() === '|') {
      pos++;
      options.push(parseSeq());
    }
    return options.length === 1 ? options[0] : { t: 'alt', options };
  };

  const parseSeq = (): Node => {
    const items: Node[] = [];
    while (pos < pattern.length && peek() !== '|' && peek() !== ')') {
      let atom = parseAtom();
      atom = parseQuantifier(atom);
      items.push(atom);
    }
    return { t: 'seq', items };
  };

  const parseQuantifier = (atom: Node): Node => {
    const c = peek();
    let min = -1;
    let max = -1;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(pos));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      pos += m[0].length - 1;
    } else return atom;
    pos++;
    if (peek() === '?') pos++;
    return parseQuantifier({ t: 'repeat', node: atom, min, max });
  };

  const classEscape = (ch: string): string | undefined => {
    switch (ch) {
      case 'd':
        return '0';
      case 'w':
        return 'a';
      case 's':
        return ' ';
      case 'D':
      case 'W':
      case 'S':
        return '-';
      case 'n':
        return '\n';
      case 't':
        return '\t';
      default:
        return undefined;
    }
  };

  const parseClass = (): Node => {
    // pos is just after '['
    let negate = false;
    if (peek() === '^') {
      negate = true;
      pos++;
    }
    const members: Array<[number, number]> = [];
    let first = true;
    while (pos < pattern.length && (peek() !== ']' || first)) {
      first = false;
      let lo: number;
      const c = pattern[pos++];
      if (c === '\\') {
        const e = pattern[pos++];
        const esc = classEscape(e);
        if (esc !== undefined && /[dwsDWS]/.test(e)) {
          if (e === 'd') members.push([48, 57]);
          else if (e === 'w') members.push([97, 122], [65, 90], [48, 57], [95, 95]);
          else if (e === 's') members.push([32, 32]);
          else members.push([45, 45]);
          continue;
        }
        lo = (esc ?? e).charCodeAt(0);
      } else lo = c.charCodeAt(0);
      if (peek() === '-' && pattern[pos + 1] !== ']' && pattern[pos + 1] !== undefined) {
        pos++;
        let hiChar = pattern[pos++];
        if (hiChar === '\\') hiChar = classEscape(pattern[pos]) ?? pattern[pos++];
        members.push([lo, hiChar.charCodeAt(0)]);
      } else members.push([lo, lo]);
    }
    pos++; // ']'
    if (negate) {
      for (const ch of SAFE_CHARS + '_-. ') {
        const code = ch.charCodeAt(0);
        if (!members.some(([a, b]) => code >= a && code <= b)) return { t: 'chars', pick: ch };
      }
      unsupported = true;
      return { t: 'empty' };
    }
    // Prefer an alphanumeric member so samples read naturally and avoid separators.
    const candidates: string[] = [];
    for (const ch of SAFE_CHARS) {
      const code = ch.charCodeAt(0);
      if (members.some(([a, b]) => code >= a && code <= b)) candidates.push(ch);
    }
    if (candidates.length) return { t: 'chars', pick: candidates[variant % candidates.length] };
    return { t: 'chars', pick: String.fromCharCode(members[0]?.[0] ?? 97) };
  };

  const parseAtom = (): Node => {
    const c = pattern[pos++];
    switch (c) {
      case '^':
      case '$':
        return { t: 'empty' };
      case '.':
        return { t: 'chars', pick: 'a' };
      case '[':
        return parseClass();
      case '(': {
        let lookaround = false;
        if (peek() === '?') {
          const kind = pattern.slice(pos, pos + 3);
          if (kind.startsWith('?:')) pos += 2;
          else if (kind.startsWith('?=') || kind.startsWith('?!')) {
            pos += 2;
            lookaround = true;
          } else if (kind.startsWith('?<=') || kind.startsWith('?<!')) {
            pos += 3;
            lookaround = true;
          } else if (kind.startsWith('?<')) {
            pos = pattern.indexOf('>', pos) + 1;
          }
        }
        const inner = parseAlt();
        pos++; // ')'
        return lookaround ? { t: 'empty' } : inner;
      }
      case '\\': {
        const e = pattern[pos++];
        if (/[1-9]/.test(e)) {
          unsupported = true;
          return { t: 'empty' };
        }
        if (e === 'b' || e === 'B') return { t: 'empty' };
        if (e === 'u' && /^[0-9a-fA-F]{4}/.test(pattern.slice(pos))) {
          const ch = String.fromCharCode(parseInt(pattern.slice(pos, pos + 4), 16));
          pos += 4;
          return { t: 'chars', pick: ch };
        }
        return { t: 'chars', pick: classEscape(e) ?? e };
      }
      default:
        return { t: 'chars', pick: c };
    }
  };

  const ast = parseAlt();
  if (unsupported || pos < pattern.length) return undefined;

  const render = (node: Node): string => {
    switch (node.t) {
      case 'empty':
        return '';
      case 'chars':
        return node.pick;
      case 'seq':
        return node.items.map(render).join('');
      case 'alt':
        return render(node.options[variant % node.options.length]);
      case 'repeat': {
        const n = node.max === Infinity ? node.min + extra : Math.min(node.max, node.min + extra);
        let out = '';
        for (let i = 0; i < n; i++) out += render(node.node);
        return out;
      }
    }
  };
  return render(ast);
}
