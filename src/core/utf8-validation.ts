/**
 * Where bytes stop being UTF-8. Text arrives as bytes (a JSON body, a CSV file); decoders replace
 * a bad sequence with U+FFFD in silence, so Tally checks first and refuses with the place.
 * Follows the Unicode standard's table of well-formed sequences (no overlong forms, no surrogates,
 * nothing above U+10FFFF).
 */

/** The length of the sequence a lead byte starts, or 0 when the byte cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The allowed range of the byte after a lead byte (the later ones are always 0x80 to 0xBF). */
function secondByteRange(lead: number): readonly [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

export type Utf8Check =
  | { readonly kind: 'valid' }
  /** The bytes end inside a sequence that may go on in the next chunk; it starts at `offset`. */
  | { readonly kind: 'incomplete'; readonly offset: number }
  /** The sequence starting at `offset` is not UTF-8. */
  | { readonly kind: 'invalid'; readonly offset: number };

/** Checks `bytes` as UTF-8; the offset is of the first byte of the first sequence at fault. */
export function checkUtf8(bytes: Uint8Array): Utf8Check {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    const length = sequenceLength(lead);
    if (length === 0) return { kind: 'invalid', offset: index };
    for (let position = 1; position < length; position += 1) {
      if (index + position >= bytes.length) return { kind: 'incomplete', offset: index };
      const byte = bytes[index + position]!;
      const [low, high] = position === 1 ? secondByteRange(lead) : [0x80, 0xbf];
      if (byte < low || byte > high) return { kind: 'invalid', offset: index };
    }
    index += length;
  }
  return { kind: 'valid' };
}

/** Characters (code points) in the bytes of well-formed UTF-8: every byte that is not a continuation byte. */
export function utf8CharacterCount(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let count = 0;
  for (let index = start; index < end; index += 1) if ((bytes[index]! & 0xc0) !== 0x80) count += 1;
  return count;
}

/** Where the first byte that is not UTF-8 sits: its offset in the whole text, its line and column (both from 1, column in characters). */
export interface Utf8Fault {
  readonly byteOffset: number;
  readonly line: number;
  readonly column: number;
}

const lineFeed = 0x0a;

/**
 * Checks text that arrives in chunks (a stream), whatever way a multibyte sequence is split
 * across them: the bytes of a sequence left incomplete at a chunk's end are held and checked with
 * the next chunk. Counts lines and the characters of the current line as it goes, so a fault can
 * be named by line and column; memory stays a few bytes whatever the size.
 */
export class Utf8ChunkChecker {
  private held: Uint8Array = new Uint8Array(0);
  /** Bytes checked before `held`. */
  private bytesBefore = 0;
  private line = 1;
  private lineCharacters = 0;

  /** Checks the next chunk; returns the fault, or null when all is UTF-8 so far. */
  push(chunk: Uint8Array): Utf8Fault | null {
    const bytes = this.held.length === 0 ? chunk : concatenate(this.held, chunk);
    const check = checkUtf8(bytes);
    const goodEnd = check.kind === 'valid' ? bytes.length : check.offset;
    this.advance(bytes, goodEnd);
    if (check.kind === 'invalid') return this.faultAt(goodEnd);
    this.held = bytes.slice(goodEnd);
    this.bytesBefore += goodEnd;
    return null;
  }

  /** The end of the text: a sequence still incomplete is a fault. */
  end(): Utf8Fault | null {
    return this.held.length === 0 ? null : this.faultAt(0);
  }

  private faultAt(offsetInBytes: number): Utf8Fault {
    return { byteOffset: this.bytesBefore + offsetInBytes, line: this.line, column: this.lineCharacters + 1 };
  }

  /** Counts the lines and characters of the well-formed bytes [0, end). */
  private advance(bytes: Uint8Array, end: number): void {
    let lineStart = 0;
    for (let found = bytes.indexOf(lineFeed); found !== -1 && found < end; found = bytes.indexOf(lineFeed, found + 1)) {
      this.line += 1;
      lineStart = found + 1;
      this.lineCharacters = 0;
    }
    this.lineCharacters += utf8CharacterCount(bytes, lineStart, end);
  }
}

function concatenate(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}

/** The fault of a whole text, or null when it is all UTF-8. */
export function firstUtf8Fault(bytes: Uint8Array): Utf8Fault | null {
  const checker = new Utf8ChunkChecker();
  return checker.push(bytes) ?? checker.end();
}
