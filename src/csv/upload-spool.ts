import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RefusalError } from '../core/outcome.ts';
import type { CsvInputFile } from './import-files.ts';

/**
 * Uploaded files written to a private temporary folder as they arrive, so an upload of any number
 * of files is never held in memory, and their total, not each file, is bounded by `bytesMax`:
 * the part that crosses it is refused (`body_is_too_large`) as soon as it does. Import reads the
 * files from disk afterwards, in its own order (an upload's parts come in the client's order,
 * and a retried transaction reads them again). `remove` deletes the folder, whatever happened.
 */
export class UploadSpool {
  private bytesReceived = 0;
  private readonly files: CsvInputFile[] = [];

  private constructor(private readonly folder: string, private readonly bytesMax: number) {}

  static async open(bytesMax: number): Promise<UploadSpool> {
    return new UploadSpool(await mkdtemp(join(tmpdir(), 'tally-upload-')), bytesMax);
  }

  /** Writes one uploaded file to disk; `name` is the client's file name and never part of a path. */
  async add(name: string, content: Readable): Promise<void> {
    const path = join(this.folder, `part-${this.files.length}`);
    const spool = this;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        spool.bytesReceived += chunk.length;
        if (spool.bytesReceived > spool.bytesMax) {
          done(new RefusalError({ code: 'body_is_too_large', message: `The uploaded files together are larger than ${spool.bytesMax} bytes`, path: name, details: { bytes_max: spool.bytesMax } }));
        } else {
          done(null, chunk);
        }
      },
    });
    await pipeline(content, counted, createWriteStream(path, { mode: 0o600 }));
    const { size } = await stat(path);
    this.files.push({ name, sizeBytes: size, open: () => createReadStream(path) });
  }

  get inputFiles(): readonly CsvInputFile[] {
    return this.files;
  }

  async remove(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true });
  }
}
