/**
 * Runs async sections one at a time per key, within this process. Admin writes to one namespace
 * queue here instead of racing each other into compare-and-set retries; the compare-and-set still
 * guards against writers in other processes (other brokers, later).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(section);
    // The tail must never reject, or the next section in the queue would see someone else's error.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      // Forget the key once nothing else queued behind us, so the map does not grow without bound.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a section running or queued (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
