/** How many of the busiest slots the stats list. */
const TOP = 10;

/**
 * Delivered messages per Key_Shared slot, with a sample key for the busiest ones, so that stats
 * can say which keys carry the load ("hot keys", DESIGN.md's Key_Shared insight). One counter per
 * slot in a typed array (256 KiB per Key_Shared subscription), and a small table of the top slots
 * that keeps one key each; counters only grow, so a slot that enters the table stays exact.
 */
export class HotKeys {
  private readonly delivered = new Float64Array(65536);
  private readonly top: { slot: number; key: string }[] = [];

  record(slot: number, messages: number, key: Buffer | undefined): void {
    if (slot < 0 || slot >= this.delivered.length) return;
    const n = (this.delivered[slot] += messages);
    const at = this.top.findIndex((t) => t.slot === slot);
    if (at >= 0) return;
    if (this.top.length < TOP) {
      this.top.push({ slot, key: key?.toString('utf8') ?? '' });
      return;
    }
    let min = 0;
    for (let i = 1; i < this.top.length; i++)
      if (this.delivered[this.top[i].slot] < this.delivered[this.top[min].slot]) min = i;
    if (n > this.delivered[this.top[min].slot]) this.top[min] = { slot, key: key?.toString('utf8') ?? '' };
  }

  /** The busiest slots by messages delivered, most first. */
  busiest(): { slot: number; deliveredMessages: number; sampleKey: string }[] {
    return this.top
      .map((t) => ({ slot: t.slot, deliveredMessages: this.delivered[t.slot], sampleKey: t.key }))
      .sort((a, b) => b.deliveredMessages - a.deliveredMessages);
  }
}
