const DECODER = new TextDecoder('utf-8', { ignoreBOM: true });
/** FNV-1a over bytes: `h = imul(h ^ byte, FNV_PRIME)` from FNV_OFFSET (callers may hash as they scan). */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/**
 * Channel names → dense integer codes, in order of first appearance, looked up straight from UTF-8
 * bytes: a hit costs a hash and one byte comparison, and a name becomes a string only the first
 * time it is seen. Names are trimmed as `String.prototype.trim` does, so byte spellings that differ
 * only by surrounding (Unicode) whitespace share one code.
 */
export class ChannelInterner {
  /** Code → name. */
  readonly names: string[] = [];
  private readonly byName = new Map<string, number>();
  /** Open addressing over byte keys: key id per slot (-1 free); key ids index the arrays below. */
  private slots: Int32Array = new Int32Array(64).fill(-1);
  private keyHash: Int32Array = new Int32Array(32);
  private keyStart: Int32Array = new Int32Array(32);
  private keyLen: Int32Array = new Int32Array(32);
  private keyCode: Int32Array = new Int32Array(32);
  private keyCount = 0;
  private pool: Uint8Array = new Uint8Array(1024);
  private poolLen = 0;

  /** Code of a name given as a string (trimmed here). Returns -1 for a blank name. */
  codeOf(name: string): number {
    const trimmed = name.trim();
    if (trimmed === '') return -1;
    let code = this.byName.get(trimmed);
    if (code === undefined) {
      code = this.names.length;
      this.names.push(trimmed);
      this.byName.set(trimmed, code);
    }
    return code;
  }

  /**
   * Code of the name in `bytes[from..to)`, which the caller has already stripped of ASCII
   * whitespace. Returns -1 when the name is blank once Unicode whitespace is trimmed too.
   */
  codeOfBytes(bytes: Uint8Array, from: number, to: number): number {
    let h = FNV_OFFSET;
    for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
    return this.codeOfHashed(bytes, from, to, h);
  }

  /** `codeOfBytes` when the caller has already computed the FNV-1a hash of the bytes. */
  codeOfHashed(bytes: Uint8Array, from: number, to: number, hash: number): number {
    const h = hash & 0x7fffffff;
    const len = to - from;
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const k = this.slots[slot];
      if (k < 0) break;
      if (this.keyHash[k] === h && this.keyLen[k] === len) {
        const at = this.keyStart[k];
        const pool = this.pool;
        let i = 0;
        while (i < len && pool[at + i] === bytes[from + i]) i++;
        if (i === len) return this.keyCode[k];
      }
      slot = (slot + 1) & mask;
    }
    const code = this.codeOf(DECODER.decode(bytes.subarray(from, to)));
    if (code >= 0) this.addKey(bytes, from, to, h, code, slot);
    return code;
  }

  private addKey(bytes: Uint8Array, from: number, to: number, h: number, code: number, slot: number): void {
    const k = this.keyCount++;
    if (k === this.keyHash.length) {
      this.keyHash = grow(this.keyHash);
      this.keyStart = grow(this.keyStart);
      this.keyLen = grow(this.keyLen);
      this.keyCode = grow(this.keyCode);
    }
    const len = to - from;
    if (this.poolLen + len > this.pool.length) {
      const bigger = new Uint8Array(Math.max(this.pool.length * 2, this.poolLen + len));
      bigger.set(this.pool);
      this.pool = bigger;
    }
    this.pool.set(bytes.subarray(from, to), this.poolLen);
    this.keyHash[k] = h;
    this.keyStart[k] = this.poolLen;
    this.keyLen[k] = len;
    this.keyCode[k] = code;
    this.poolLen += len;
    this.slots[slot] = k;
    if (this.keyCount * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    for (let k = 0; k < this.keyCount; k++) {
      let slot = this.keyHash[k] & mask;
      while (this.slots[slot] >= 0) slot = (slot + 1) & mask;
      this.slots[slot] = k;
    }
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
