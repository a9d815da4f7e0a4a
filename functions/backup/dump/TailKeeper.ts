import { Transform, type TransformCallback } from 'node:stream';

/** A pass-through stream that remembers the last `size` bytes it saw, and how many in all. */
export class TailKeeper extends Transform {
  private kept: Buffer = Buffer.alloc(0);
  total = 0;

  constructor(private readonly size: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.total += chunk.length;
    this.kept =
      chunk.length >= this.size ? chunk.subarray(chunk.length - this.size) : Buffer.concat([this.kept, chunk]).subarray(-this.size);
    done(null, chunk);
  }

  /** The last bytes seen, as text. */
  tail(): string {
    return this.kept.toString('utf8');
  }
}
