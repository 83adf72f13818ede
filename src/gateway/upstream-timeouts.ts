/** What the sweep asks of a request in flight (an `UpstreamExchange`). */
export interface Expirable {
  /** One more tick without progress: past `limit` ticks, the request aborts itself (and is forgotten when it ends). */
  tick(limit: number): void;
}

/**
 * Times out the upstream requests of one timeout length: a request that makes no progress (no
 * headers yet, or no body chunk since the last one) for `timeoutMs` is aborted, within `timeoutMs`
 * plus one tick (an eighth of the timeout, 10 ms to 1 s). One interval for all of them, where undici's
 * own headers and body timeouts cost a timer object a request: each lived until undici's next 1 s
 * round, long enough to be promoted to the old generation, which then grew ~1 MB/s at 15-20k
 * requests/s (the RSS of a 60 s run at 50 connections rose ~230 → ~280 MB; ~220 → ~233 without).
 */
export class UpstreamTimeouts {
  /**
   * Requests in flight by slot, and the free slots. Not a `Set`: requests held in one were promoted to
   * the old generation as a rule (~500 bytes a request), where these die young.
   */
  private readonly slots: (Expirable | undefined)[] = [];
  private readonly free: number[] = [];
  private live = 0;
  private timer: NodeJS.Timeout | undefined;
  readonly tickMs: number;
  /** Ticks without progress that a request may pass before it times out. */
  private readonly limit: number;

  constructor(readonly timeoutMs: number) {
    this.tickMs = Math.min(1000, Math.max(10, Math.ceil(timeoutMs / 8)));
    this.limit = Math.ceil(timeoutMs / this.tickMs);
  }

  /** Requests being watched. */
  get size(): number {
    return this.live;
  }

  /** Watches a request until `forget(slot)` with the slot returned. */
  watch(request: Expirable): number {
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = request;
    this.live++;
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.tickMs);
      this.timer.unref();
    }
    return slot;
  }

  /** The request ended: no longer watched (the interval stops at the next tick when none is left). Once per `watch`. */
  forget(slot: number): void {
    this.slots[slot] = undefined;
    this.free.push(slot);
    this.live--;
  }

  private sweep(): void {
    for (const request of this.slots) request?.tick(this.limit);
    if (this.live === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
