/** A counting semaphore: at most `size` holders at once, waiters served first come, first served. */
export class Limiter {
  readonly #size: number;
  #held = 0;
  #peak = 0;
  readonly #waiting: { resolve: () => void; reject: (reason: unknown) => void }[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  /** Most holders seen at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Resolves once a slot is free; rejects with the signal's reason if aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#held < this.#size) {
      this.#take();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#take();
          resolve();
        },
        reject,
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  release(): void {
    this.#held -= 1;
    this.#waiting.shift()?.resolve();
  }

  #take(): void {
    this.#held += 1;
    this.#peak = Math.max(this.#peak, this.#held);
  }
}

/** Waits `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
