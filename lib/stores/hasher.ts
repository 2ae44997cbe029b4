// md5 (Glance's `checksum`) and sha512 (`os_hash_value`) of a stream, computed
// as the bytes pass, so the data is read once.
import { createHash, type Hash } from 'node:crypto';

export interface Digests {
  checksum: string;
  osHashAlgo: 'sha512';
  osHashValue: string;
}

export class StreamHasher {
  private readonly md5: Hash = createHash('md5');
  private readonly sha512: Hash = createHash('sha512');

  update(chunk: Uint8Array): void {
    this.md5.update(chunk);
    this.sha512.update(chunk);
  }

  async digest(): Promise<Digests> {
    return { checksum: this.md5.digest('hex'), osHashAlgo: 'sha512', osHashValue: this.sha512.digest('hex') };
  }
}
