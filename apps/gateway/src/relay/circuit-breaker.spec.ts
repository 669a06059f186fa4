import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one probe through after the wait, and backs off while down', () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 1_000, 4_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(breaker.retryAfterMs()).toBe(0);
      breaker.failure();
    }
    expect(breaker.retryAfterMs()).toBe(1_000);
    now = 1_000;
    expect(breaker.retryAfterMs()).toBe(0); // the probe
    expect(breaker.retryAfterMs()).toBe(1_000); // only one probe at a time
    breaker.failure();
    expect(breaker.retryAfterMs()).toBe(2_000); // doubled
    now = 3_000;
    expect(breaker.retryAfterMs()).toBe(0);
    breaker.success();
    expect(breaker.isOpen).toBe(false);
    expect(breaker.retryAfterMs()).toBe(0);
  });

  it('resets the failure count on any success', () => {
    const breaker = new CircuitBreaker(3, 1_000, 4_000, () => 0);
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    expect(breaker.isOpen).toBe(false);
  });
});
