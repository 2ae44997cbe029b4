// md5 (Glance's `checksum`) and sha512 (`os_hash_value`) of an upload, each
// on its own worker thread: the two digests together cost more CPU than
// reading the socket and writing the disk, so computing them in parallel
// with each other and with the I/O is what makes uploads fast.
//
// The bytes are not copied to the workers: they hash straight out of the
// upload's shared buffer (see filesystem.ts), and say when they are done
// with a slice so it can be reused.
import { Worker } from 'node:worker_threads';

export interface Digests {
  checksum: string;
  osHashAlgo: 'sha512';
  osHashValue: string;
}

type Algo = 'md5' | 'sha512';

// Evaluated source, not a file: Next bundles the server code, and a worker
// file next to it would not survive the build.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'start') {
    jobs.set(m.job, { hash: createHash(m.algo), bytes: new Uint8Array(m.buffer) });
  } else if (m.type === 'update') {
    const j = jobs.get(m.job);
    j.hash.update(j.bytes.subarray(m.offset, m.offset + m.length));
    parentPort.postMessage({ type: 'done', job: m.job, slot: m.slot });
  } else if (m.type === 'digest') {
    const j = jobs.get(m.job);
    jobs.delete(m.job);
    parentPort.postMessage({ type: 'digest', job: m.job, hex: j.hash.digest('hex') });
  } else if (m.type === 'drop') {
    jobs.delete(m.job);
  }
});
`;

type Reply = { type: 'done'; job: number; slot: number } | { type: 'digest'; job: number; hex: string };

interface JobHandlers {
  onDone(slot: number): void;
  onDigest(hex: string): void;
  onError(err: Error): void;
}

/**
 * A worker thread costs ~10 MiB of RSS (its own V8 heap and Node bootstrap):
 * after this long without a job it ends, and the next upload starts a new one
 * (~30 ms), so an idle server does not keep two of them.
 */
const RETIRE_AFTER_MS = 10_000;

/** One worker per algorithm, shared by all uploads of the process while any is running. */
class HashWorker {
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, JobHandlers>();
  private retireTimer: NodeJS.Timeout | null = null;

  constructor(readonly algo: Algo) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('message', (m: Reply) => {
      const h = this.jobs.get(m.job);
      if (!h) return;
      if (m.type === 'done') h.onDone(m.slot);
      else {
        this.forget(m.job);
        h.onDigest(m.hex);
      }
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = null;
      for (const h of this.jobs.values()) h.onError(err);
      this.jobs.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`${this.algo} hash worker exited with code ${code}`)));
    // Only after the listeners: adding a 'message' listener refs the worker's port again,
    // and an idle worker must not keep the process alive.
    w.unref();
    this.worker = w;
    return w;
  }

  start(job: number, buffer: SharedArrayBuffer, handlers: JobHandlers): void {
    if (this.retireTimer) clearTimeout(this.retireTimer);
    this.retireTimer = null;
    this.jobs.set(job, handlers);
    const w = this.ensure();
    w.ref(); // a job waits for its replies
    w.postMessage({ type: 'start', job, algo: this.algo, buffer });
  }

  private forget(job: number): void {
    this.jobs.delete(job);
    if (this.jobs.size > 0 || !this.worker) return;
    this.worker.unref();
    if (this.retireTimer) clearTimeout(this.retireTimer);
    this.retireTimer = setTimeout(() => this.retire(), RETIRE_AFTER_MS).unref();
  }

  /** No job for a while: end the thread quietly (its 'exit' is not a failure of anyone's job). */
  private retire(): void {
    this.retireTimer = null;
    const w = this.worker;
    if (!w || this.jobs.size > 0) return;
    this.worker = null;
    w.removeAllListeners();
    w.on('error', () => {});
    void w.terminate();
  }

  update(job: number, slot: number, offset: number, length: number): void {
    this.ensure().postMessage({ type: 'update', job, slot, offset, length });
  }

  digest(job: number): void {
    this.ensure().postMessage({ type: 'digest', job });
  }

  drop(job: number): void {
    this.forget(job);
    this.worker?.postMessage({ type: 'drop', job });
  }
}

const processGlobals = globalThis as unknown as { glanceHashWorkers?: { md5: HashWorker; sha512: HashWorker }; glanceHashJob?: number };

function workers() {
  processGlobals.glanceHashWorkers ??= { md5: new HashWorker('md5'), sha512: new HashWorker('sha512') };
  return processGlobals.glanceHashWorkers;
}

/**
 * Hashes slices of one shared buffer, in the order they are given, on both
 * workers at once. `release(slot)` is called when both have finished a slice.
 */
export class ParallelHasher {
  private readonly job = (processGlobals.glanceHashJob = (processGlobals.glanceHashJob ?? 0) + 1);
  private readonly pending = new Map<number, number>();
  private readonly digests: Partial<Record<Algo, string>> = {};
  private failure: Error | null = null;
  private finished: { resolve: (d: Digests) => void; reject: (e: Error) => void } | null = null;

  constructor(buffer: SharedArrayBuffer, private readonly release: (slot: number) => void, private readonly onError: (err: Error) => void) {
    for (const w of Object.values(workers())) {
      w.start(this.job, buffer, {
        onDone: (slot) => this.done(slot),
        onDigest: (hex) => this.digested(w.algo, hex),
        onError: (err) => this.fail(err),
      });
    }
  }

  /** Hash buffer[offset, offset+length) — which must stay untouched until release(slot). */
  update(slot: number, offset: number, length: number): void {
    if (this.failure) throw this.failure;
    this.pending.set(slot, 2);
    for (const w of Object.values(workers())) w.update(this.job, slot, offset, length);
  }

  /** Both digests, once every slice given so far has been hashed. */
  digest(): Promise<Digests> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.finished = { resolve, reject };
      for (const w of Object.values(workers())) w.digest(this.job);
    });
  }

  /** Forget the job (after a failed upload). */
  drop(): void {
    for (const w of Object.values(workers())) w.drop(this.job);
  }

  private done(slot: number): void {
    const left = (this.pending.get(slot) ?? 1) - 1;
    if (left > 0) {
      this.pending.set(slot, left);
      return;
    }
    this.pending.delete(slot);
    this.release(slot);
  }

  private digested(algo: Algo, hex: string): void {
    this.digests[algo] = hex;
    if (this.digests.md5 && this.digests.sha512) {
      this.finished?.resolve({ checksum: this.digests.md5, osHashAlgo: 'sha512', osHashValue: this.digests.sha512 });
    }
  }

  private fail(err: Error): void {
    this.failure = err;
    this.finished?.reject(err);
    this.onError(err);
  }
}
