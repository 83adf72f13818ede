/**
 * Keeps an in-memory copy fresh: `start()` reloads every `everyMs` in the background (so changes
 * made by another process arrive even while idle), and `ifStale()` reloads at most once at a time
 * when the copy is older than `everyMs`. Failed reloads keep the previous copy.
 */
export class BackgroundReload {
  private loadedAt = 0;
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly load: () => Promise<void>,
    private readonly everyMs: number,
  ) {}

  /** Reloads now and records when. */
  async now(): Promise<void> {
    await this.load();
    this.loadedAt = Date.now();
  }

  ifStale(now = Date.now()): void {
    if (now - this.loadedAt <= this.everyMs) return;
    this.loading ??= this.now()
      .catch(() => undefined)
      .finally(() => (this.loading = undefined));
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.loading ??= this.now()
        .catch(() => undefined)
        .finally(() => (this.loading = undefined));
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
