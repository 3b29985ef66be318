import { setTimeout as timer } from 'node:timers/promises';

/** Time as keywarden sees it: injected, so tests can run a 400-day grace period in a moment. */
export interface Clock {
  now: () => Date;
  /** resolves after `ms`, or rejects when `signal` aborts */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Node fires a timer longer than 2^31-1 ms at once; and a wall-clock deadline is best checked again now and then. */
const longestSleep = 3_600_000;

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => timer(Math.min(ms, longestSleep), undefined, { signal }),
};

/**
 * Waits until a wall-clock deadline, in steps of at most an hour: never one timer past what Node can hold, and a
 * deadline that still holds when the clock jumps or the machine sleeps.
 */
export async function waitUntil(clock: Clock, deadline: number, signal?: AbortSignal): Promise<void> {
  for (let left = deadline - clock.now().getTime(); left > 0; left = deadline - clock.now().getTime()) {
    await clock.sleep(Math.min(left, longestSleep), signal);
  }
}
