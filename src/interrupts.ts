import { setMaxListeners } from 'node:events';
import { InterruptedError } from './errors.js';

/** A step that must not be cut short: from a create request sent until its secret is safe. */
export interface GuardedStep {
  /** aborted only when the person insists (a third interrupt): the step's own requests and children use it */
  readonly signal: AbortSignal;
  /** what the step is waiting for now, said when the person interrupts a second time */
  waitingFor(what: string): void;
  /** what to do before stopping without waiting: shows a secret the step holds and nothing has taken yet */
  beforeForcedStop(action: (() => void) | undefined): void;
}

/**
 * What an interrupt did: the run stops; it waits for guarded steps; it stopped them without waiting; or the run was
 * stopping already and nothing is guarded, so the process may simply end.
 */
export type InterruptOutcome = 'stopping' | 'waiting' | 'forced' | 'insisting';

class Step implements GuardedStep {
  private readonly force = new AbortController();
  waiting: string;
  action: (() => void) | undefined;

  constructor(readonly what: string) {
    this.waiting = what;
    setMaxListeners(0, this.force.signal);
  }

  get signal(): AbortSignal {
    return this.force.signal;
  }

  waitingFor(what: string): void {
    this.waiting = what;
  }

  beforeForcedStop(action: (() => void) | undefined): void {
    this.action = action;
  }

  stopNow(): void {
    try {
      this.action?.();
    } finally {
      this.force.abort(new InterruptedError('stopped without waiting'));
    }
  }
}

/**
 * Ctrl-C and SIGTERM, as the person means them: stop what can stop, but never lose a new key's secret. Outside
 * guarded steps an interrupt aborts `signal` at once. During one, it is deferred: the step finishes, then `signal`
 * aborts; a second interrupt says what is waited for; a third runs each step's last action (showing the secret it
 * holds) and aborts the step.
 */
export class Interrupts {
  private readonly stopping = new AbortController();
  private readonly steps = new Set<Step>();
  private received = 0;
  private deferred = 0;
  private say: (line: string) => void = () => undefined;

  constructor() {
    // every request in flight listens for the abort (up to --concurrency 64, and profiles at once): not a leak
    setMaxListeners(0, this.stopping.signal);
  }

  /** aborted when the run must stop: an interrupt outside guarded steps, or after the last of them ended */
  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  /** the person asked to stop, whether or not it has taken effect yet */
  get interrupted(): boolean {
    return this.received > 0;
  }

  /** where the messages about deferred interrupts go */
  speakThrough(say: (line: string) => void): void {
    this.say = say;
  }

  /** Stops the run for another reason than an interrupt (its output was closed): quietly, with that reason. */
  stop(reason: Error): void {
    if (!this.stopping.signal.aborted) this.stopping.abort(reason);
  }

  interrupt(): InterruptOutcome {
    this.received += 1;
    if (this.steps.size === 0) {
      if (this.stopping.signal.aborted) return 'insisting';
      this.stop(new InterruptedError());
      return 'stopping';
    }
    this.deferred += 1;
    const steps = [...this.steps];
    if (this.deferred === 1) {
      this.say(
        `keywarden: interrupted; finishing ${steps.map((s) => s.what).join(' and ')} first, so that no secret is lost`,
      );
      return 'waiting';
    }
    if (this.deferred === 2) {
      this.say(
        `keywarden: still waiting for ${steps.map((s) => s.waiting).join(' and ')}; interrupt once more to stop without waiting`,
      );
      return 'waiting';
    }
    for (const step of steps) step.stopNow();
    return 'forced';
  }

  /**
   * Runs a step that an interrupt must not cut short. Refused once the person asked to stop, even while other steps
   * are still finishing, so no new step begins after that.
   */
  async guard<T>(what: string, work: (step: GuardedStep) => Promise<T>): Promise<T> {
    this.stopping.signal.throwIfAborted();
    if (this.received > 0) throw new InterruptedError();
    const step = new Step(what);
    this.steps.add(step);
    try {
      return await work(step);
    } finally {
      this.steps.delete(step);
      if (this.received > 0 && this.steps.size === 0) this.stop(new InterruptedError());
    }
  }
}
