// A private single-node Ceph with a RADOS Gateway (S3) on loopback, its daemons
// child processes of ours (like embedded-mariadb.ts): one monitor, one OSD on
// memstore (RAM, nothing on disk but logs), radosgw with beast. For the test
// suite, the benchmark and development; nothing of it touches /etc/ceph.
//
// Each cluster has its own fsid, monitor port, gateway port, admin sockets and
// logs under its folder, so several can run on one machine. Stopping signals
// only the pids this object started. Facts behind the settings:
// ../shared/notes/ceph-rgw.md (Ceph 16 "Pacific", Debian 12).
//
// By hand: `npx tsx scripts/lib/ceph-rgw.ts start DIR` prints the endpoint and
// keys and keeps the cluster up until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from './server';

export interface CephRgwOptions {
  /** Folder for the cluster (created; must not exist or be empty). stop() removes it. */
  dir: string;
  /** RAM the OSD may hold (memstore device bytes). A 1 GiB object needs ~1.6 GB of it. */
  memstoreBytes?: number;
  /** Whole start-up budget; generous because a loaded 2-core machine is slow to start Ceph. */
  startTimeoutMs?: number;
  log?: (m: string) => void;
}

interface Daemon {
  name: string; // ceph's entity name: mon.a, osd.0, client.rgw
  child: ChildProcess;
  exit: Promise<string>; // how it ended: "code 1" / "signal SIGTERM"
  ended: string | null;
}

const GiB = 1024 ** 3;
const MON_ID = 'a';
const RGW_NAME = 'client.rgw';
// Another process took the port we picked between our probe and the daemon's bind:
// the monitor logs it; radosgw exits with EADDRINUSE (98), its log line about it not always written yet.
const BIND_RACE = /Address already in use|unable to bind|failed to bind/i;
const EADDRINUSE_EXIT = 'code 98';

export class PrivateCephRgw {
  readonly dir: string;
  readonly conf: string;
  /** RGW accepts any region in SigV4; us-east-1 keeps the SDK from sending a LocationConstraint. */
  readonly region = 'us-east-1';
  readonly accessKey = randomKey(20, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
  readonly secretKey = randomKey(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
  readonly fsid = randomUUID();
  private monPort = 0;
  private rgwPort = 0;
  private osdId = '0';
  private readonly osdUuid = randomUUID();
  private readonly daemons: Daemon[] = [];
  private ownsDir = false; // set once start() has found the folder empty: only then may stop() remove it
  private readonly memstoreBytes: number;
  private readonly log: (m: string) => void;

  constructor(private readonly opts: CephRgwOptions) {
    this.dir = path.resolve(opts.dir);
    this.conf = path.join(this.dir, 'ceph.conf');
    this.memstoreBytes = opts.memstoreBytes ?? 3 * GiB;
    this.log = opts.log ?? (() => {});
  }

  get endpoint(): string {
    if (!this.rgwPort) throw new Error('the RADOS Gateway is not started');
    return `http://127.0.0.1:${this.rgwPort}`;
  }

  /** The pids of the daemons still running, by entity name. */
  get pids(): Record<string, number> {
    return Object.fromEntries(this.daemons.filter((d) => d.ended === null).map((d) => [d.name, d.child.pid!]));
  }

  private logDir(): string {
    return path.join(this.dir, 'log');
  }

  /**
   * Create the cluster and start mon, OSD and radosgw; resolves once a signed S3 request succeeds.
   * On failure the daemons are stopped and the folder is kept with the logs; the error quotes their tails.
   */
  async start(): Promise<void> {
    const started = Date.now();
    const deadline = started + (this.opts.startTimeoutMs ?? 300_000);
    if (existsSync(this.dir) && readdirSync(this.dir).length > 0) throw new Error(`${this.dir} is not empty: a private Ceph needs a folder of its own`);
    this.ownsDir = true;
    for (const d of ['log', 'run', 'crash', 'rgw']) mkdirSync(path.join(this.dir, d), { recursive: true });
    writeFileSync(path.join(this.dir, 'keyring'), ''); // auth is off; the daemons still want the file
    try {
      await this.startMon(deadline);
      await this.startOsd(deadline);
      await this.startRgw(deadline);
      await this.createUser(deadline);
      await this.waitForS3(deadline);
    } catch (err) {
      await this.stopDaemons();
      throw err;
    }
    this.log(`[ceph] RADOS Gateway ready on ${this.endpoint} in ${((Date.now() - started) / 1000).toFixed(1)} s (pids ${JSON.stringify(this.pids)})`);
  }

  // --- the monitor ---------------------------------------------------------

  private async startMon(deadline: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.monPort = await freePort();
      this.writeConf();
      const monData = path.join(this.dir, `mon.${MON_ID}`);
      rmSync(monData, { recursive: true, force: true });
      mkdirSync(monData);
      const monmap = path.join(this.dir, 'monmap');
      await this.run('monmaptool', ['--create', '--clobber', '--fsid', this.fsid, '--addv', MON_ID, `[v2:127.0.0.1:${this.monPort}]`, monmap], deadline);
      await this.run('ceph-mon', ['-c', this.conf, '-i', MON_ID, '--mkfs', '--monmap', monmap, '--keyring', path.join(this.dir, 'keyring')], deadline);
      const mon = this.spawnDaemon(`mon.${MON_ID}`, 'ceph-mon', ['-i', MON_ID]);
      // The monitor is up once a client command gets through; `osd new` is the first one we need anyway.
      try {
        this.osdId = await this.createOsdEntry(deadline, mon);
        return;
      } catch (err) {
        if (mon.ended !== null && attempt < 3 && (mon.ended === EADDRINUSE_EXIT || BIND_RACE.test(this.tail(mon.name)))) {
          this.forget(mon);
          continue;
        }
        throw err;
      }
    }
  }

  /** Register the OSD with the monitor (idempotent for one uuid), retrying while the monitor starts. */
  private async createOsdEntry(deadline: number, mon: Daemon): Promise<string> {
    // If the monitor dies (a lost port race), stop waiting for it at once rather than at the CLI's timeout.
    const monGone = new AbortController();
    void mon.exit.then(() => monGone.abort());
    let last = '';
    while (Date.now() < deadline) {
      this.assertAlive();
      const args = ['-c', this.conf, '--connect-timeout', '15', 'osd', 'new', this.osdUuid];
      const r = await this.tryRun('ceph', args, Math.min(deadline, Date.now() + 60_000), monGone.signal);
      if (r.code === 0 && /^\d+$/.test(r.stdout.trim())) return r.stdout.trim();
      last = `${r.stdout}${r.stderr}`.trim();
      await sleep(500);
    }
    throw new Error(`the Ceph monitor did not answer in time (ceph osd new: ${last})\n${this.tail(mon.name)}`);
  }

  // --- the OSD ---------------------------------------------------------------

  private async startOsd(deadline: number): Promise<void> {
    mkdirSync(path.join(this.dir, `osd.${this.osdId}`), { recursive: true });
    await this.run('ceph-osd', ['-c', this.conf, '-i', this.osdId, '--mkfs', '--osd-uuid', this.osdUuid], deadline);
    // It picks its own free ports in 6800-7300; radosgw waits for it, so no readiness check here.
    this.spawnDaemon(`osd.${this.osdId}`, 'ceph-osd', ['-i', this.osdId]);
  }

  // --- the gateway -----------------------------------------------------------

  private async startRgw(deadline: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.rgwPort = await freePort();
      const rgw = this.spawnDaemon(RGW_NAME, 'radosgw', ['-n', RGW_NAME, '--rgw-frontends', `beast endpoint=127.0.0.1:${this.rgwPort}`]);
      try {
        // The first start creates the gateway's pools, which needs the OSD up: this is the slow step.
        await this.waitUntil('radosgw to listen', deadline, () => httpAnswers(this.rgwPort));
        return;
      } catch (err) {
        if (rgw.ended !== null && attempt < 3 && (rgw.ended === EADDRINUSE_EXIT || BIND_RACE.test(this.tail(rgw.name)))) {
          this.forget(rgw);
          continue;
        }
        throw err;
      }
    }
  }

  private async createUser(deadline: number): Promise<void> {
    const args = ['-c', this.conf, 'user', 'create', '--uid', 'glance-test', '--display-name', 'glance test user', '--access-key', this.accessKey, '--secret-key', this.secretKey];
    await this.run('radosgw-admin', args, deadline);
  }

  s3Client(): S3Client {
    // Our pin (3.1175, the last for Node 20) is deliberate; its notice about Node 22 is noise in every log.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    return new S3Client({
      endpoint: this.endpoint,
      region: this.region,
      forcePathStyle: true,
      // The SDK's default aws-chunked uploads with trailing checksums get 411 from RGW 16.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: { accessKeyId: this.accessKey, secretAccessKey: this.secretKey },
    });
  }

  /** A new user's keys reach the gateway's cache at once in practice; poll anyway rather than trust it. */
  private async waitForS3(deadline: number): Promise<void> {
    const client = this.s3Client();
    let last: unknown;
    try {
      await this.waitUntil('a signed S3 request to succeed', deadline, async () => {
        try {
          await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(15_000) });
          return true;
        } catch (err) {
          last = err;
          return false;
        }
      }, () => `last error: ${last instanceof Error ? `${last.name}: ${last.message}` : String(last)}`);
    } finally {
      client.destroy();
    }
  }

  // --- configuration ---------------------------------------------------------

  private writeConf(): void {
    const d = this.dir;
    // Unix socket paths are limited to 107 bytes; past that, no admin socket rather than a failed start.
    const asok = path.join(d, 'run', '$name.asok').length + 20 < 107 ? path.join(d, 'run', '$name.asok') : '';
    const lines = [
      '[global]',
      `fsid = ${this.fsid}`,
      `mon host = [v2:127.0.0.1:${this.monPort}]`,
      'public addr = 127.0.0.1',
      'cluster addr = 127.0.0.1',
      'ms bind msgr1 = false',
      'ms bind ipv6 = false',
      // A single node on loopback: no cephx. radosgw needs crc mode towards the mon, or it loops on -13.
      'auth cluster required = none',
      'auth service required = none',
      'auth client required = none',
      'ms mon client mode = crc',
      `keyring = ${path.join(d, 'keyring')}`,
      `run dir = ${path.join(d, 'run')}`,
      `admin socket = ${asok}`,
      `pid file = ${path.join(d, 'run', '$name.pid')}`,
      `log file = ${path.join(d, 'log', '$name.log')}`,
      `crash dir = ${path.join(d, 'crash')}`,
      'log to stderr = false',
      'err to stderr = true',
      // One OSD: pools of one replica, no failure domain above the OSD, no mgr to autoscale PGs.
      'osd pool default size = 1',
      'osd pool default min size = 1',
      'osd pool default pg num = 8',
      'osd pool default pgp num = 8',
      'osd pool default pg autoscale mode = off',
      'osd crush chooseleaf type = 0',
      'mon allow pool size one = true',
      'mon warn on pool no redundancy = false',
      '',
      '[mon]',
      `mon data = ${path.join(d, 'mon.$id')}`,
      `mon cluster log file = ${path.join(d, 'log', 'mon-cluster.log')}`,
      // Never stop the monitor because the disk under the logs is nearly full.
      'mon data avail crit = 0',
      'mon data avail warn = 0',
      // A port taken by someone else stays taken: fail at once (and retry on another) instead of 3 × 5 s.
      'ms bind retry count = 1',
      // Each pool radosgw creates is two map updates, each held back by paxos's 1 s batching: 13 s -> 2.5 s to ready.
      'paxos propose interval = 0.1',
      'paxos min wait = 0.01',
      '',
      '[osd]',
      `osd data = ${path.join(d, 'osd.$id')}`,
      'osd objectstore = memstore',
      `memstore device bytes = ${this.memstoreBytes}`,
      // RGW calls object classes (cls_rgw, cls_lock...).
      'osd class load list = *',
      'osd class default list = *',
      '',
      `[${RGW_NAME}]`,
      `rgw data = ${path.join(d, 'rgw')}`,
      // Deleted and aborted data is garbage-collected after 2 h by default; memstore is RAM, so soon.
      'rgw gc obj min wait = 30',
      'rgw gc processor period = 30',
      '',
    ];
    writeFileSync(this.conf, lines.join('\n'));
  }

  // --- processes -------------------------------------------------------------

  private spawnDaemon(name: string, cmd: string, args: string[]): Daemon {
    const out = openSync(path.join(this.logDir(), `${name}.out`), 'a');
    // setpriv --pdeathsig: if we die without stopping it, the daemon gets SIGTERM instead of living on.
    // Detached: Ctrl-C reaches us, and we stop the daemons in order.
    const child = spawn('setpriv', ['--pdeathsig', 'TERM', cmd, '-f', '-c', this.conf, ...args], { stdio: ['ignore', out, out], detached: true });
    closeSync(out);
    const daemon: Daemon = { name, child, ended: null, exit: Promise.resolve('') };
    daemon.exit = new Promise((resolve) => {
      child.once('error', (err) => { daemon.ended = `error ${err.message}`; resolve(daemon.ended); });
      child.once('exit', (code, signal) => { daemon.ended = signal ? `signal ${signal}` : `code ${code}`; resolve(daemon.ended); });
    });
    this.daemons.push(daemon);
    this.log(`[ceph] started ${name} (pid ${child.pid})`);
    return daemon;
  }

  /** Drop a daemon that failed to bind, before starting it again on another port. */
  private forget(d: Daemon): void {
    this.daemons.splice(this.daemons.indexOf(d), 1);
    this.log(`[ceph] ${d.name} lost a port race; retrying on another port`);
  }

  /** Throws, with the log's tail, if a daemon we started has exited. */
  private assertAlive(): void {
    const dead = this.daemons.find((d) => d.ended !== null);
    if (dead) throw new Error(`${dead.name} exited (${dead.ended}) during start-up:\n${this.tail(dead.name)}`);
  }

  private async waitUntil(what: string, deadline: number, probe: () => Promise<boolean>, detail: () => string = () => ''): Promise<void> {
    for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
      this.assertAlive();
      if (await probe()) return;
      if (Date.now() > deadline) {
        const logs = this.daemons.map((d) => this.tail(d.name)).join('\n');
        throw new Error(`timed out waiting for ${what} ${detail()}\n${logs}`);
      }
      await sleep(delay);
    }
  }

  /** The last lines of a daemon's log file and of its stdout/stderr, for error messages. */
  tail(name: string, lines = 25): string {
    const parts: string[] = [];
    for (const f of [`${name}.log`, `${name}.out`]) {
      const p = path.join(this.logDir(), f);
      if (!existsSync(p)) continue;
      const text = readFileSync(p, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(-lines).join('\n');
      if (text) parts.push(`--- ${p} (last ${lines} lines) ---\n${text}`);
    }
    return parts.join('\n');
  }

  private tryRun(cmd: string, args: string[], deadline: number, signal?: AbortSignal): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(deadline - Date.now(), 1000));
      child.once('error', (err) => { clearTimeout(timer); resolve({ code: null, stdout, stderr: stderr + err.message }); });
      child.once('close', (code, signal) => { clearTimeout(timer); resolve({ code, stdout, stderr: signal ? `${stderr}killed by ${signal} (timed out)` : stderr }); });
    });
  }

  private async run(cmd: string, args: string[], deadline: number): Promise<string> {
    const r = await this.tryRun(cmd, args, deadline);
    if (r.code !== 0) {
      const logName = cmd === 'radosgw-admin' || cmd === 'ceph' ? 'client.admin' : cmd === 'ceph-mon' ? `mon.${MON_ID}` : cmd === 'ceph-osd' ? `osd.${this.osdId}` : '';
      throw new Error(`${cmd} ${args.join(' ')} failed (${r.code ?? 'no exit code'}):\n${r.stdout}${r.stderr}\n${logName ? this.tail(logName) : ''}`);
    }
    return r.stdout;
  }

  // --- stopping --------------------------------------------------------------

  /** SIGTERM every daemon we started, without waiting: for exit hooks. */
  kill(): void {
    for (const d of this.daemons) if (d.ended === null) d.child.kill('SIGTERM');
  }

  private async stopDaemons(): Promise<void> {
    // The gateway first, then the OSD (it tells the monitor it is going), the monitor last.
    for (const group of [[RGW_NAME], ['osd.'], ['mon.']]) {
      const ds = this.daemons.filter((d) => d.ended === null && group.some((g) => d.name.startsWith(g)));
      await Promise.all(ds.map(async (d) => {
        d.child.kill('SIGTERM');
        const timer = setTimeout(() => d.child.kill('SIGKILL'), 30_000);
        await d.exit;
        clearTimeout(timer);
      }));
    }
  }

  /** Stop the daemons (SIGTERM, by pid) and remove the folder (if start() made it ours). */
  async stop(): Promise<void> {
    await this.stopDaemons();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
    this.log('[ceph] stopped');
  }
}

function randomKey(length: number, alphabet: string): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Does anything answer HTTP on the port (any status)? */
function httpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

// `npx tsx scripts/lib/ceph-rgw.ts start DIR [MEMSTORE_GIB]`: a cluster for development, until Ctrl-C.
if (require.main === module) {
  const [command, dir, gib] = process.argv.slice(2);
  if (command !== 'start' || !dir) {
    console.error('usage: npx tsx scripts/lib/ceph-rgw.ts start DIR [MEMSTORE_GIB]');
    process.exit(2);
  }
  const rgw = new PrivateCephRgw({ dir, memstoreBytes: gib ? Number(gib) * GiB : undefined, log: console.log });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    rgw.stop().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  rgw.start().then(
    () => {
      console.log(`endpoint:   ${rgw.endpoint}\naccess key: ${rgw.accessKey}\nsecret key: ${rgw.secretKey}\nregion:     ${rgw.region}`);
      console.log(`logs in ${path.join(rgw.dir, 'log')}; Ctrl-C stops the cluster and removes ${rgw.dir}`);
    },
    (err) => {
      // start() has stopped what it started; the folder stays for its logs.
      console.error(err instanceof Error ? err.message : err);
      console.error(`logs kept in ${path.join(rgw.dir, 'log')}`);
      process.exit(1);
    },
  );
}
