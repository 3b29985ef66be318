/** Where the status line goes: Output.status, which shows it only to a person at a terminal. */
export interface StatusLine {
  /** whether a status line is drawn at all: the text of one nobody sees is not worth making */
  readonly drawsStatus: boolean;
  status(text: string | undefined): void;
}

/** A time left as a person counts it down: 2h 5m, 9m 59s, 42s. */
export function timeLeft(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours > 0) return `${hours}h ${minutes}m`;
  return minutes > 0 ? `${minutes}m ${seconds % 60}s` : `${seconds}s`;
}

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Work done sooner than this shows no status at all, so quick commands stay quiet. */
const quietMs = 250;
const frameMs = 100;

interface Activity {
  text(): string;
}

/**
 * What keywarden is waiting for, on one line of stderr that keeps being redrawn: pages listed so far, a retry, a
 * countdown. Several at once (profiles listed together) share the line. Nothing shows for the first quarter second,
 * and nothing at all unless Output shows status (a terminal, not --no-input, not CI).
 */
export class Progress {
  private readonly activities = new Set<Activity>();
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private since = 0;
  /** the latest retry, shown until the next page comes in */
  private retry: string | undefined;

  constructor(
    private readonly line: StatusLine,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keys listed so far for one listing; `done()` takes it off the line. */
  listing(what: string): { page(keys: number): void; done(): void } {
    let keys = 0;
    let pages = 0;
    const activity: Activity = {
      text: () =>
        `listing ${what}: ${keys.toLocaleString('en-US')} key${keys === 1 ? '' : 's'} so far, ${pages} page${pages === 1 ? '' : 's'}`,
    };
    this.start(activity);
    return {
      page: (count) => {
        keys += count;
        pages += 1;
        this.retry = undefined;
      },
      done: () => this.stop(activity),
    };
  }

  /** A wait with its end in sight: the time left, counted down, and what to know meanwhile. */
  countdown(what: string, deadline: number, note = ''): { done(): void } {
    const activity: Activity = {
      text: () => `${what}: ${timeLeft(deadline - this.now())} left${note ? ` (${note})` : ''}`,
    };
    this.start(activity);
    return { done: () => this.stop(activity) };
  }

  /** A retry about to happen, shown beside whatever else is going on until the next page comes in. */
  retrying(text: string): void {
    this.retry = text;
    this.draw();
  }

  private start(activity: Activity): void {
    if (this.activities.size === 0) this.since = this.now();
    this.activities.add(activity);
    this.timer ??= setInterval(() => this.draw(), frameMs);
    this.timer.unref();
  }

  private stop(activity: Activity): void {
    this.activities.delete(activity);
    if (this.activities.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.retry = undefined;
    this.line.status(undefined);
  }

  private draw(): void {
    if (!this.line.drawsStatus || this.activities.size === 0 || this.now() - this.since < quietMs) return;
    this.frame = (this.frame + 1) % frames.length;
    const parts = [...this.activities].map((a) => a.text());
    if (this.retry) parts.push(this.retry);
    this.line.status(`${frames[this.frame]} ${parts.join('; ')}`);
  }
}
