import { Transform } from 'node:stream';
import { Utf8ChunkChecker } from '../core/utf8-validation.ts';
import { RefusalError } from '../core/outcome.ts';

/**
 * Passes a CSV file's bytes through unchanged, refusing the file at the first byte that is not
 * UTF-8 (`text_is_not_utf8`, naming the file, line and column) instead of letting the parser
 * replace it with U+FFFD in silence. Streams: a sequence split across chunks is checked whole.
 */
export function utf8CheckedStream(fileName: string): Transform {
  const checker = new Utf8ChunkChecker();
  const refusal = (fault: NonNullable<ReturnType<Utf8ChunkChecker['end']>>) =>
    new RefusalError({
      code: 'text_is_not_utf8',
      message: `${fileName} is not UTF-8 at line ${fault.line}, column ${fault.column} (byte ${fault.byteOffset}); save it as UTF-8`,
      path: `${fileName}:${fault.line}`,
      details: { line: fault.line, column: fault.column, byte_offset: fault.byteOffset },
    });
  return new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      const fault = checker.push(bytes);
      if (fault) done(refusal(fault));
      else done(null, bytes);
    },
    flush(done) {
      const fault = checker.end();
      done(fault ? refusal(fault) : null);
    },
  });
}
