// Bounds the work an HTTP front end may hold: request bodies being received (UploadLimiter: how
// many, and how many bytes), and once a body is complete, at most `maxInFlight` decodes running and
// at most `maxQueue` requests waiting for one (Limiter). Plain bookkeeping, no timers and no I/O:
// the caller decides what a refusal or a timeout means.

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
  /** Requests admitted (their body complete) and not yet finished: waiting or decoding. */
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
   * Admits a request whose body is complete when fewer than maxInFlight + maxQueue are admitted,
   * so the bytes held by admitted requests stay below that many bodies. Pair every true with one
   * {@link leave}.
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

/**
 * The default of `maxUploadBytes`: a quarter of the memory, and at least two of the largest bodies.
 * With the bodies admitted to decode (at most maxInFlight + maxQueue of them) and the idle pool,
 * that keeps what request bodies hold to about half the memory by default.
 */
export const defaultMaxUploadBytes = (bodyLimit: number, memoryBytes: number): number =>
  Math.min(Number.MAX_SAFE_INTEGER, Math.max(2 * bodyLimit, Math.floor(memoryBytes / 4)));

/**
 * The default of `maxUploads`: one per MiB of `maxUploadBytes`, from 16 to 1024. An upload in
 * progress costs a socket, its kernel buffers and a timer whatever it declares, so their number is
 * bounded apart from their bytes; 1024 stays well within a common open-file limit.
 */
export const defaultMaxUploads = (maxUploadBytes: number): number => Math.min(1024, Math.max(16, Math.floor(maxUploadBytes / 2 ** 20)));

/** A body's place among those being received: the bytes it holds against the bound. */
export interface Upload {
  /** Bytes reserved: the declared Content-Length, or what a chunked body has received so far. */
  readonly bytes: number;
  /** Reserves `bytes` more (a chunk of a body of unknown length); false, and nothing reserved, past the bound. */
  grow(bytes: number): boolean;
  /** Gives the place and its bytes back (body complete, refused or abandoned); later calls do nothing. */
  end(): void;
}

/**
 * Bounds the request bodies being received, apart from the decodes: at most `maxUploads` of them
 * and `maxBytes` reserved in all. A body with a Content-Length reserves it at the door; a chunked
 * one reserves its chunks as they come.
 */
export class UploadLimiter {
  private countNow = 0;
  private bytesNow = 0;

  constructor(
    readonly maxUploads: number,
    readonly maxBytes: number,
  ) {}

  /** Uploads in progress. */
  get count(): number {
    return this.countNow;
  }

  /** Bytes reserved by the uploads in progress. */
  get bytes(): number {
    return this.bytesNow;
  }

  /** Whether an upload reserving `bytes` fits now. */
  fits(bytes: number): boolean {
    return this.countNow < this.maxUploads && this.bytesNow + bytes <= this.maxBytes;
  }

  /** Starts an upload reserving `bytes` (0 for a chunked body), or null when it does not fit. */
  start(bytes: number): Upload | null {
    if (!this.fits(bytes)) return null;
    this.countNow++;
    this.bytesNow += bytes;
    let held = bytes;
    let open = true;
    return {
      get bytes() {
        return held;
      },
      grow: (more: number): boolean => {
        if (!open) return false;
        if (this.bytesNow + more > this.maxBytes) return false;
        this.bytesNow += more;
        held += more;
        return true;
      },
      end: () => {
        if (!open) return;
        open = false;
        this.countNow--;
        this.bytesNow -= held;
      },
    };
  }
}
