/**
 * messageIds already checked, kept as numbers: a 64-bit hash of each id (two 32-bit halves) in an
 * open-addressing table of typed arrays, with where the first copy is (a byte offset or a line of
 * a file, and its index in a batch envelope). No string is kept for a file with offsets: a message
 * whose hash is already there is read back from its first copy's line, and only then are the id
 * strings compared exactly (equal hashes of different ids are no duplicate) and the two copies'
 * content fingerprinted. Without duplicates, a message costs a hash and a table probe.
 */

/** How an index reads its first copies back; the index itself never reads a file. */
export interface FirstCopyReader {
  /** The line that starts at byte `offset` of `file` (no newline, byte order mark or `\r`). */
  lineAt(file: string, offset: number): string;
  /** Lines of a file without offsets (gzip) by 1-based number, in one pass over the file. */
  linesAt(file: string, lines: number[]): Promise<Map<number, string>>;
}

/** The first copies of one task, as transferable arrays (entry i: hash h1[i]:h2[i] at pos[i], batch[i]). */
export interface MessageIdExport {
  h1: Uint32Array;
  h2: Uint32Array;
  /** Byte offset of the line (plain files) or its line number (gzip). */
  pos: Float64Array;
  /** Index in the line's batch envelope, -1 for a line that is one message. */
  batch: Int32Array;
}

/** First copies an earlier task holds, to treat as seen (see `crossTaskCandidates`). */
export interface SeenElsewhere {
  files: string[];
  file: number[];
  pos: number[];
  batch: number[];
}

const MEMORY = 0; // no file: ids and fingerprints kept (the collector, the library API)
const OFFSET = 1; // a plain file: read back by byte offset
const LINE = 2; // a gzip file: ids kept, fingerprints read back at the end by line number

// The hash of the last id given to hashId: in a typed array, where a 32-bit value takes no heap
// allocation (a module variable holding one above 2^30 would box it in a heap number per message).
const H = new Uint32Array(2);

let testHash: ((id: string) => [number, number]) | undefined;

/**
 * For tests, in this thread: hash ids with `hash` (e.g. a constant, so that different ids hash
 * alike); undefined restores the real hash.
 */
export function setIdHashForTests(hash: ((id: string) => [number, number]) | undefined): void {
  testHash = hash;
}

/** Two independent 32-bit hashes of `id`'s UTF-16 code units (FNV-1a and a murmur-style mix). */
function hashId(id: string): void {
  if (testHash) {
    [H[0], H[1]] = testHash(id);
    return;
  }
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  b ^= b >>> 16;
  H[0] = a;
  H[1] = b;
}

/**
 * The two 32-bit hashes a worker thread gives `id` (the real hash, whatever `setIdHashForTests` set
 * in this thread), as `MessageIdExport` holds them.
 */
export function workerIdHash(id: string): [number, number] {
  const saved = testHash;
  testHash = undefined;
  try {
    hashId(id);
    return [H[0], H[1]];
  } finally {
    testHash = saved;
  }
}

/**
 * A fingerprint of a message's content: its JSON text (in the message's key order) without
 * `sentAt` and `receivedAt`, which change with each delivery attempt. FNV-1a over the UTF-16 code
 * units, with the length: two copies that differ hash alike with a chance of about 2^-32. Computed
 * only for messageIds read more than once (and, without a file to read back, for first copies).
 */
export function contentFingerprint(msg: Record<string, unknown>): number {
  let text: string;
  if (msg.sentAt === undefined && msg.receivedAt === undefined) text = JSON.stringify(msg);
  else {
    // What JSON.stringify(msg) gives without those keys.
    text = '{';
    for (const k in msg) {
      if (k === 'sentAt' || k === 'receivedAt') continue;
      const json = JSON.stringify(msg[k]);
      if (json !== undefined) text += `${text.length > 1 ? ',' : ''}${JSON.stringify(k)}:${json}`;
    }
    text += '}';
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) * 2097152 + (text.length % 2097152);
}

/** The message a line holds at `batch` (-1: the line itself), or undefined when it is not there. */
function messageOf(line: string, batch: number): Record<string, unknown> | undefined {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (batch >= 0) msg = (msg as { batch?: unknown[] } | null)?.batch?.[batch];
  return msg && typeof msg === 'object' && !Array.isArray(msg) ? (msg as Record<string, unknown>) : undefined;
}

/**
 * The messageIds checked so far, across the files (or byte ranges) of one pass. Give one index to
 * the validators of consecutive files to dedupe across them (`ValidatorOptions.messageIds`).
 *
 * @example
 * const ids = new MessageIdIndex(reader);
 * ids.setFile('events.ndjson');
 * createEventValidator(plan, { messageIds: ids }).validate(msg, { file, line, offset });
 */
export class MessageIdIndex {
  private h1: Uint32Array;
  private h2: Uint32Array;
  private pos: Float64Array;
  private batch: Int32Array;
  private fileOf: Int32Array;
  private n = 0;
  /**
   * Open addressing, linear probing: slot k holds an entry's h1 at 2k and the entry + 1 at 2k + 1
   * (0: empty). h1 beside the entry number keeps a probe in one cache line; h2 is read only when
   * h1 matches. h1 is a finished hash: its low bits pick the slot.
   */
  private slots: Uint32Array;
  private mask: number;
  private readonly files: string[] = [];
  private readonly modes: number[] = [];
  private file = 0;
  private mode = MEMORY;
  /** Ids of entries that cannot be read back (gzip and memory entries) or were read back already. */
  private readonly ids = new Map<number, string>();
  /** Content fingerprints of first copies, when known. */
  private readonly prints = new Map<number, number>();
  /** The first entry added by this pass's own messages (the ones before come from `seeElsewhere`). */
  private own = 0;

  /**
   * @param reader reads first copies back; without one, each id and fingerprint is kept.
   * @param expected messageIds expected (e.g. from the input's size; at most 4M are allocated up
   *   front). Growing the arrays as they fill costs more than their size: each large allocation of
   *   a growing run started a full GC (46 mark-compacts over 1M messages against 4 without
   *   messageIds, 1 when sized up front).
   */
  constructor(
    private readonly reader?: FirstCopyReader,
    expected = 0,
  ) {
    let size = 1024;
    while (size < expected && size < 1 << 22) size *= 2;
    this.h1 = new Uint32Array(size);
    this.h2 = new Uint32Array(size);
    this.pos = new Float64Array(size);
    this.batch = new Int32Array(size);
    this.fileOf = new Int32Array(size);
    this.slots = new Uint32Array(4 * size);
    this.mask = 2 * size - 1;
    this.files.push('');
    this.modes.push(MEMORY);
  }

  /** The messages that follow come from `file` (byte offsets in `MessageRef.offset` unless gzip). */
  setFile(file: string): void {
    let i = this.files.indexOf(file);
    if (i < 0) {
      i = this.files.length;
      this.files.push(file);
      this.modes.push(!this.reader ? MEMORY : file.endsWith('.gz') ? LINE : OFFSET);
    }
    this.file = i;
    this.mode = this.modes[i];
  }

  /**
   * Marks first copies another pass checked as seen (read back now: their ids and fingerprints).
   * Call before the first message; those entries are not exported.
   */
  async seeElsewhere(seen: SeenElsewhere): Promise<void> {
    const reader = this.reader;
    if (!reader) throw new Error('seeElsewhere needs a reader');
    // gzip files: their lines in one pass each
    const gz = new Map<number, Map<number, string>>();
    for (let f = 0; f < seen.files.length; f++) {
      if (!seen.files[f].endsWith('.gz')) continue;
      const lines = seen.pos.filter((_, k) => seen.file[k] === f);
      if (lines.length) gz.set(f, await reader.linesAt(seen.files[f], lines));
    }
    const current = this.file;
    // in the order given (earlier tasks first): equal hashes are probed in insertion order
    for (let k = 0; k < seen.file.length; k++) {
      const name = seen.files[seen.file[k]];
      const text = gz.has(seen.file[k])
        ? gz.get(seen.file[k])!.get(seen.pos[k])
        : reader.lineAt(name, seen.pos[k]);
      const msg = text === undefined ? undefined : messageOf(text, seen.batch[k]);
      const id = msg?.messageId;
      if (typeof id !== 'string' || id === '') continue;
      this.setFile(name);
      hashId(id);
      const e = this.insert(H[0], H[1], seen.pos[k], seen.batch[k]);
      this.ids.set(e, id);
      this.prints.set(e, contentFingerprint(msg!));
    }
    this.setFile(this.files[current]);
    this.own = this.n;
  }

  /**
   * The entry of the first copy of `id` when one was read before (then `msg` is a later copy);
   * otherwise records `msg` as the first copy (at `pos`: the line's byte offset, or its line
   * number for gzip, and `batch`) and returns -1.
   */
  firstCopyOf(id: string, msg: Record<string, unknown>, pos: number, batch: number): number {
    hashId(id);
    const h1 = H[0];
    const h2 = H[1];
    const slots = this.slots;
    let b = h1 & this.mask;
    for (;;) {
      const e1 = slots[2 * b + 1];
      if (e1 === 0) break;
      if (slots[2 * b] === h1 && this.h2[e1 - 1] === h2 && this.idOf(e1 - 1) === id) return e1 - 1;
      b = (b + 1) & this.mask;
    }
    const e = this.insertAt(b, h1, h2, pos, batch);
    if (this.mode !== OFFSET) this.ids.set(e, id);
    if (this.mode === MEMORY) this.prints.set(e, contentFingerprint(msg));
    return -1;
  }

  /** The first copy's fingerprint, or undefined until `resolvePrints` (gzip). */
  printOf(entry: number): number | undefined {
    const p = this.prints.get(entry);
    if (p !== undefined || this.modes[this.fileOf[entry]] !== OFFSET) return p;
    this.idOf(entry); // reads the line back, and keeps its fingerprint
    return this.prints.get(entry);
  }

  /** Reads back the first copies of `entries` whose fingerprint is not known yet (gzip files). */
  async resolvePrints(entries: number[]): Promise<void> {
    const byFile = new Map<number, Set<number>>();
    for (const e of entries) {
      if (this.prints.has(e)) continue;
      const f = this.fileOf[e];
      if (this.modes[f] !== LINE) continue;
      let set = byFile.get(f);
      if (!set) byFile.set(f, (set = new Set()));
      set.add(e);
    }
    for (const [f, set] of byFile) {
      const lines = await this.reader!.linesAt(
        this.files[f],
        [...set].map((e) => this.pos[e]),
      );
      for (const e of set) {
        const text = lines.get(this.pos[e]);
        const msg = text === undefined ? undefined : messageOf(text, this.batch[e]);
        if (msg) this.prints.set(e, contentFingerprint(msg));
      }
    }
  }

  /** This pass's own first copies (not those of `seeElsewhere`), as transferable arrays. */
  exportOwn(): MessageIdExport {
    return {
      h1: this.h1.slice(this.own, this.n),
      h2: this.h2.slice(this.own, this.n),
      pos: this.pos.slice(this.own, this.n),
      batch: this.batch.slice(this.own, this.n),
    };
  }

  /** The id of an entry: kept, or read back from its line (which also gives its fingerprint). */
  private idOf(e: number): string | undefined {
    const kept = this.ids.get(e);
    if (kept !== undefined || this.modes[this.fileOf[e]] !== OFFSET) return kept;
    const msg = messageOf(this.reader!.lineAt(this.files[this.fileOf[e]], this.pos[e]), this.batch[e]);
    const id = msg?.messageId;
    if (typeof id !== 'string') return undefined;
    this.ids.set(e, id);
    this.prints.set(e, contentFingerprint(msg!));
    return id;
  }

  private insert(h1: number, h2: number, pos: number, batch: number): number {
    let b = h1 & this.mask;
    while (this.slots[2 * b + 1] !== 0) b = (b + 1) & this.mask;
    return this.insertAt(b, h1, h2, pos, batch);
  }

  private insertAt(b: number, h1: number, h2: number, pos: number, batch: number): number {
    const e = this.n++;
    if (e === this.h1.length) this.growEntries();
    this.h1[e] = h1;
    this.h2[e] = h2;
    this.pos[e] = pos;
    this.batch[e] = batch;
    this.fileOf[e] = this.file;
    this.slots[2 * b] = h1;
    this.slots[2 * b + 1] = e + 1;
    if (this.n * 2 > this.mask) this.growTable();
    return e;
  }

  private growEntries(): void {
    const size = this.h1.length * 2;
    const grow = <T extends Uint32Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.h1 = grow(this.h1, (n) => new Uint32Array(n));
    this.h2 = grow(this.h2, (n) => new Uint32Array(n));
    this.pos = grow(this.pos, (n) => new Float64Array(n));
    this.batch = grow(this.batch, (n) => new Int32Array(n));
    this.fileOf = grow(this.fileOf, (n) => new Int32Array(n));
  }

  /** Twice the slots; entries go back in insertion order, so equal hashes keep their order. */
  private growTable(): void {
    const mask = this.mask * 2 + 1;
    const slots = new Uint32Array(2 * (mask + 1));
    for (let e = 0; e < this.n; e++) {
      const h1 = this.h1[e];
      let b = h1 & mask;
      while (slots[2 * b + 1] !== 0) b = (b + 1) & mask;
      slots[2 * b] = h1;
      slots[2 * b + 1] = e + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/**
 * For each task (in input order), the first copies of earlier tasks whose hash equals one of its
 * own: the messageIds it may repeat. Most tasks get none; a task that gets some is run again with
 * them seen (`MessageIdIndex.seeElsewhere`), where the ids are compared exactly. The hashes are
 * sorted (a stable radix sort on h1: sequential passes, where a hash table would miss the cache on
 * each of a million lookups), so equal hashes end up side by side, in input order.
 */
export function crossTaskCandidates(
  parts: MessageIdExport[],
): Array<Array<{ task: number; entry: number }> | undefined> {
  let total = 0;
  for (const p of parts) total += p.h1.length;
  const h1 = new Uint32Array(total);
  const h2 = new Uint32Array(total);
  const taskOf = new Uint32Array(total);
  const starts: number[] = [];
  let g = 0;
  parts.forEach((p, t) => {
    starts.push(g);
    h1.set(p.h1, g);
    h2.set(p.h2, g);
    taskOf.fill(t, g, g + p.h1.length);
    g += p.h1.length;
  });
  // LSD radix sort of (h1, entry number) by h1: 11, 11 and 10 bits, keys moved with the entries
  let keys = h1.slice();
  let order = new Uint32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  let keys2 = new Uint32Array(total);
  let order2 = new Uint32Array(total);
  const counts = new Uint32Array(2048);
  for (const shift of [0, 11, 22]) {
    counts.fill(0);
    for (let i = 0; i < total; i++) counts[(keys[i] >>> shift) & 2047]++;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < total; i++) {
      const k = keys[i];
      const at = counts[(k >>> shift) & 2047]++;
      keys2[at] = k;
      order2[at] = order[i];
    }
    [keys, keys2] = [keys2, keys];
    [order, order2] = [order2, order];
  }
  const found: Array<Array<{ task: number; entry: number }> | undefined> = parts.map(() => undefined);
  for (let i = 0; i + 1 < total;) {
    let j = i + 1;
    while (j < total && keys[j] === keys[i]) j++;
    // a run of equal h1, in input order: each entry against the earlier ones of other tasks
    for (let b = i + 1; b < j; b++) {
      const later = order[b];
      for (let a = i; a < b; a++) {
        const first = order[a];
        if (h2[first] !== h2[later] || taskOf[first] === taskOf[later]) continue;
        (found[taskOf[later]] ??= []).push({ task: taskOf[first], entry: first - starts[taskOf[first]] });
      }
    }
    i = j;
  }
  return found.map((list) => {
    if (!list) return undefined;
    // earlier tasks first, each in input order (the first copy of an id is the earliest)
    list.sort((x, y) => x.task - y.task || x.entry - y.entry);
    return list.filter((c, k) => k === 0 || c.task !== list[k - 1].task || c.entry !== list[k - 1].entry);
  });
}
