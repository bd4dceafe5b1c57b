// Bounds the work an HTTP front end may hold: at most `maxInFlight` decodes running and at most
// `maxQueue` requests waiting for one. Plain bookkeeping, no timers and no I/O: the caller decides
// what a refusal or a timeout means.

/** A place in the queue: resolves with the slot once a running decode hands it over. */
export interface Waiter {
  /** Resolves when this waiter holds a slot; never rejects. */
  readonly started: Promise<void>;
  /** Leaves the queue. Returns false when the slot was already handed over (then release it). */
  cancel(): boolean;
}

export class Limiter {
  readonly maxInFlight: number;
  readonly maxQueue: number;
  /** Requests admitted and not yet finished: reading their body, waiting, or decoding. */
  private admittedCount = 0;
  private runningCount = 0;
  private readonly queue: { start: () => void; done: boolean }[] = [];

  constructor(maxInFlight: number, maxQueue: number) {
    this.maxInFlight = maxInFlight;
    this.maxQueue = maxQueue;
  }

  get admitted(): number {
    return this.admittedCount;
  }

  get running(): number {
    return this.runningCount;
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * Admits a request when fewer than maxInFlight + maxQueue are admitted, so the bytes held by
   * admitted requests stay below that many bodies. Pair every true with one {@link leave}.
   */
  admit(): boolean {
    if (this.admittedCount >= this.maxInFlight + this.maxQueue) return false;
    this.admittedCount++;
    return true;
  }

  leave(): void {
    if (this.admittedCount === 0) throw new Error('Limiter.leave without admit');
    this.admittedCount--;
  }

  /**
   * Takes a decode slot now if one is free (returns null), else joins the queue. Only admitted
   * requests call this, and a request stays admitted until its decode has settled (even past a
   * timeout), so the queue never holds more than maxQueue.
   */
  acquire(): Waiter | null {
    if (this.runningCount < this.maxInFlight) {
      this.runningCount++;
      return null;
    }
    let start!: () => void;
    const started = new Promise<void>((resolve) => {
      start = resolve;
    });
    const entry = { start, done: false };
    this.queue.push(entry);
    return {
      started,
      cancel: () => {
        if (entry.done) return false;
        entry.done = true;
        this.queue.splice(this.queue.indexOf(entry), 1);
        return true;
      },
    };
  }

  /** Gives a slot back: to the first waiter if there is one. */
  release(): void {
    const next = this.queue.shift();
    if (next) {
      next.done = true;
      next.start();
      return;
    }
    if (this.runningCount === 0) throw new Error('Limiter.release without acquire');
    this.runningCount--;
  }
}
