import { describe, expect, it } from 'vitest';
import { checkUtf8, firstUtf8Fault, Utf8ChunkChecker } from '../../src/core/utf8-validation.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('UTF-8 validation', () => {
  it('accepts what TextEncoder writes, from ASCII to four-byte sequences', () => {
    expect(checkUtf8(utf8('A-1,Gagnon Léa,é€𝄞,Дмитрий'))).toEqual({ kind: 'valid' });
  });

  it.each([
    ['a lone continuation byte', bytes(0x41, 0x80), 1],
    ['an overlong slash', bytes(0xc0, 0xaf), 0],
    ['an overlong three-byte form', bytes(0x41, 0xe0, 0x80, 0x80), 1],
    ['a UTF-16 surrogate', bytes(0xed, 0xa0, 0x80), 0],
    ['above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ['Latin-1 é', bytes(0x4c, 0xe9, 0x61), 1],
    ['a lead byte cut short by ASCII', bytes(0xe2, 0x82, 0x41), 0],
  ])('refuses %s at its offset', (_name, input, offset) => {
    expect(checkUtf8(input)).toEqual({ kind: 'invalid', offset });
  });

  it('finds the line, the column in characters and the byte offset of a fault', () => {
    const text = Buffer.concat([Buffer.from('account_id,owner_name\nA-1,Léa\nA-2,Ren'), Buffer.from([0xe9]), Buffer.from('e\n')]);
    expect(firstUtf8Fault(text)).toEqual({ byteOffset: 38, line: 3, column: 8 });
  });

  it('checks a sequence split across chunks at every split point, and a sequence cut at the end', () => {
    const whole = utf8('ab€𝄞\ncd𝄞');
    for (let split = 0; split <= whole.length; split += 1) {
      const checker = new Utf8ChunkChecker();
      expect(checker.push(whole.slice(0, split)), `split at ${split}`).toBeNull();
      expect(checker.push(whole.slice(split))).toBeNull();
      expect(checker.end()).toBeNull();
    }
    const cut = new Utf8ChunkChecker();
    expect(cut.push(utf8('ab\nc'))).toBeNull();
    expect(cut.push(bytes(0xf0, 0x9d))).toBeNull();
    expect(cut.end()).toEqual({ byteOffset: 4, line: 2, column: 2 });
    const splitBad = new Utf8ChunkChecker();
    expect(splitBad.push(utf8('x\ny€').slice(0, 4))).toBeNull();
    expect(splitBad.push(bytes(0x41))).toEqual({ byteOffset: 3, line: 2, column: 2 });
  });
});
