/**
 * A circuit breaker for one upstream endpoint: after `threshold` consecutive transport-level failures
 * (network errors, 5xx on every credential tried), calls fail fast for `openMs` (doubling up to
 * `maxOpenMs` while the upstream stays down); then one probe call is let through (half-open): its
 * success closes the circuit, its failure opens it again. A dead upstream is not hammered, and it is
 * used again as soon as it answers.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntil = 0;
  private currentOpenMs: number;
  private probing = false;

  constructor(
    private readonly threshold = 10,
    private readonly openMs = 5_000,
    private readonly maxOpenMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.currentOpenMs = openMs;
  }

  /** 0 when a call may go; otherwise ms until the next probe. */
  retryAfterMs(): number {
    if (this.openUntil === 0) return 0;
    const left = this.openUntil - this.now();
    if (left > 0) return left;
    if (this.probing) return 1_000;
    this.probing = true;
    return 0;
  }

  get isOpen(): boolean {
    return this.openUntil !== 0;
  }

  success(): void {
    this.consecutiveFailures = 0;
    this.openUntil = 0;
    this.probing = false;
    this.currentOpenMs = this.openMs;
  }

  failure(): void {
    if (this.probing) {
      this.probing = false;
      this.currentOpenMs = Math.min(this.currentOpenMs * 2, this.maxOpenMs);
      this.openUntil = this.now() + this.currentOpenMs;
      return;
    }
    this.consecutiveFailures += 1;
    if (this.openUntil === 0 && this.consecutiveFailures >= this.threshold) this.openUntil = this.now() + this.currentOpenMs;
  }
}
