// Keeps the embedded MariaDB running for the server process: when mariadbd
// exits without being asked to, it is started again after a delay that
// doubles, at most `maxRestarts` times within `windowMs`; then it gives up
// and the caller stops the service.
import type { EmbeddedMariaDb } from './embedded-mariadb';
import { RestartBudget, type RestartPolicy } from './restart-budget';

export const DB_RESTARTS: RestartPolicy = { maxRestarts: 5, windowMs: 10 * 60_000, baseDelayMs: 500, maxDelayMs: 30_000 };

export class DbSupervisor {
  private stopping = false;
  private readonly budget: RestartBudget;

  constructor(
    private readonly db: EmbeddedMariaDb,
    private readonly opts: { log: (m: string) => void; onGiveUp: () => void; policy?: RestartPolicy },
  ) {
    this.budget = new RestartBudget(opts.policy ?? DB_RESTARTS);
    this.watch();
  }

  private watch(): void {
    void this.db.exited.then((code) => this.onExit(code));
  }

  private async onExit(code: number | null): Promise<void> {
    if (this.stopping) return;
    this.opts.log(`[db] MariaDB exited unexpectedly (exit ${code}); see ${this.db.dir}/mysqld.err`);
    for (;;) {
      const delay = this.budget.next();
      if (delay === null) {
        const { maxRestarts, windowMs } = this.budget.policy;
        this.opts.log(`[db] MariaDB could not be kept running (${maxRestarts} restarts within ${windowMs / 1000} s); giving up`);
        this.opts.onGiveUp();
        return;
      }
      this.opts.log(`[db] restarting MariaDB in ${delay / 1000} s (restart ${this.budget.used} of ${this.budget.policy.maxRestarts})`);
      await new Promise((r) => setTimeout(r, delay));
      if (this.stopping) return;
      try {
        await this.db.start();
        this.opts.log('[db] MariaDB is back');
        this.watch();
        return;
      } catch (err) {
        this.opts.log(`[db] MariaDB did not start: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.db.stop();
  }
}
