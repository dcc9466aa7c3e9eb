/**
 * Smooth weighted round-robin over priority levels (the scheme of nginx's upstream balancer): every
 * pick adds each waiting level's weight to its credit, takes the level with the most credit (ties
 * go to the higher level) and charges it the sum of the waiting weights. Over any run of picks each
 * waiting level gets its weight's share, exactly and deterministically, spread out rather than in
 * bursts. A level with nothing waiting loses its credit, so a level that fills up again starts
 * fresh, and a newly arrived top-level message is picked at once.
 */
export class WeightedPicker {
  private readonly credit: Float64Array;

  constructor(private weights: readonly number[]) {
    this.credit = new Float64Array(weights.length);
  }

  setWeights(weights: readonly number[]): void {
    this.weights = weights;
    this.credit.fill(0);
  }

  /** The next level to serve among those with `waiting(level)` true; -1 when none waits. */
  pick(waiting: (level: number) => boolean): number {
    let total = 0;
    let best = -1;
    for (let l = this.credit.length - 1; l >= 0; l--) {
      if (!waiting(l)) {
        this.credit[l] = 0;
        continue;
      }
      const w = this.weights[l];
      total += w;
      this.credit[l] += w;
      if (best < 0 || this.credit[l] > this.credit[best]) best = l;
    }
    if (best >= 0) this.credit[best] -= total;
    return best;
  }
}
