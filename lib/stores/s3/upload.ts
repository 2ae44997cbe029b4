// One object upload of unknown length through lib-storage's Upload, which
// cuts the bytes into parts and sends up to `queueSize` parts at once. The
// bytes reach it through a PartFeed (part-feed.ts): copied into one reused
// part-size buffer, handed out only when a part sender is free; meanwhile
// write() returns promises and the caller stops reading its client. Memory:
// the staging buffer plus the parts in flight, whose buffers are given back
// as soon as S3 has them (part-buffers.ts).
//
// The object becomes visible only after finish(): Upload sends the last part
// (or, for a small body, its single PUT) and completes the multipart upload
// only once the feed has ended, so a caller that refuses the data (hash,
// inspection, size) before finish() leaves nothing in the bucket.
//
// Failure handling does not use Upload.abort(): its done() then rejects at
// once while parts may still be in flight and the multipart upload is not yet
// aborted. Instead the feed fails Upload's read and this upload's requests
// are aborted, lib-storage aborts the multipart upload itself
// (leavePartsOnError: false) before done() settles, and cancel() then sweeps
// the key for any multipart upload whose creation raced the failure.
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PartBuffers } from './part-buffers';
import { PartFeed } from './part-feed';

/** The upload was stopped because of a failure on the caller's side. */
class Cancelled extends Error {}

export class ObjectUpload {
  private readonly feed: PartFeed;
  private readonly parts: PartBuffers;
  /** Aborts this upload's requests in flight (not the multipart abort itself). */
  private readonly requests = new AbortController();
  private failure: unknown = null;
  private multipartCreated = false;
  private sealed = false;
  private readonly result: Promise<void>;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    opts: { partSize: number; queueSize: number },
    /** Turns an S3 failure into the error the caller throws (see errors.ts). */
    private readonly mapError: (err: unknown) => unknown,
  ) {
    this.feed = new PartFeed(opts.partSize);
    this.parts = new PartBuffers(opts.partSize);
    const upload = new Upload({
      // Upload only calls send() and reads config: every request passes through here.
      client: { config: client.config, send: (cmd: never, o?: object) => this.send(cmd, o) } as unknown as S3Client,
      params: { Bucket: bucket, Key: key, Body: this.feed as unknown as Blob },
      partSize: opts.partSize,
      queueSize: opts.queueSize,
      leavePartsOnError: false,
    });
    this.result = upload.done().then(
      () => {},
      (err) => {
        this.fail(err);
        throw this.failure;
      },
    );
    this.result.catch(() => {}); // awaited by finish() or cancel()
  }

  private async send(cmd: { input: unknown }, opts?: object): Promise<unknown> {
    const cleanup = cmd instanceof AbortMultipartUploadCommand;
    if (cmd instanceof CreateMultipartUploadCommand) this.multipartCreated = true;
    const part = cmd instanceof UploadPartCommand ? (cmd.input as { PartNumber: number; Body: Uint8Array }) : null;
    if (part) {
      // The chunker copies every datum; a part lent from the staging buffer would be overwritten.
      if (this.feed.isStaging(part.Body.buffer)) throw this.fail(new Error(`part ${part.PartNumber} is the staging buffer`));
      this.feed.partSent(part.PartNumber);
      this.parts.sending(part.PartNumber, part.Body);
    }
    try {
      const out = await this.client.send(cmd as never, cleanup ? opts : { ...opts, abortSignal: this.requests.signal });
      if (part) this.parts.settled(part.PartNumber, true);
      return out;
    } catch (err) {
      if (part) this.parts.settled(part.PartNumber, false);
      if (!cleanup) this.fail(err);
      throw err;
    }
  }

  /** Queue a chunk (kept by reference until sent). A promise when the caller must wait; throws once the upload failed. */
  write(chunk: Uint8Array): void | Promise<void> {
    if (this.failure) throw this.failure;
    return this.feed.write(chunk)?.catch((err) => {
      throw this.failure ?? err;
    });
  }

  /** Every byte is queued and accepted: send the last part, complete, wait. */
  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    this.sealed = true;
    this.feed.end();
    await this.result;
    this.parts.finished();
  }

  /**
   * Stop and remove whatever reached the bucket: parts (the multipart upload
   * is aborted) and, if the upload was sealed, the object itself. Throws when
   * S3 cannot be reached: what is left is for removePartial/removeUnrecorded.
   */
  async cancel(): Promise<void> {
    this.fail(new Cancelled());
    await this.result.catch(() => {});
    if (this.multipartCreated) await abortMultipartUploads(this.client, this.bucket, this.key);
    if (this.sealed) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key }));
  }

  /** Returns the error to throw. */
  private fail(err: unknown): unknown {
    if (this.failure) return this.failure;
    this.failure = err instanceof Cancelled ? err : this.mapError(err);
    this.requests.abort();
    this.feed.fail(new Cancelled('upload stopped'));
    return this.failure;
  }
}

/** Abort every multipart upload of `key` (ListMultipartUploads is by prefix: other keys are skipped). */
export async function abortMultipartUploads(client: S3Client, bucket: string, key: string): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
    );
    for (const u of page.Uploads ?? []) {
      if (u.Key !== key || !u.UploadId) continue;
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: u.UploadId })).catch((err) => {
        if ((err as { name?: string }).name !== 'NoSuchUpload') throw err;
      });
      aborted++;
    }
    if (!page.IsTruncated) return aborted;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}
