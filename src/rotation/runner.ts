import { channel } from 'node:diagnostics_channel';
import type { Context } from '../context.js';
import { KeywardenError, reasonOf } from '../errors.js';
import { deliver } from '../handover/deliver.js';
import { revealAsLastResort } from '../handover/reveal.js';
import { ProviderError } from '../providers/errors.js';
import { activeKeysCreatedBetween, uniqueKeys, withProfile } from '../providers/listing.js';
import { describeKey } from '../render/keys.js';
import type { Key, Provider } from '../providers/types.js';
import type { Secret } from '../secrets/secret.js';
import { keyAccount, type SecretStore } from '../secrets/store.js';
import { formatDuration } from '../util/time.js';
import type { Journal, JournalStore, Step } from './journal.js';

const progressChannel = channel('keywarden:rotation');

/**
 * Each point a rotation passes (`after-<step>` once a step is journaled, `create-answered`) is published on the
 * `keywarden:rotation` diagnostics channel, with the rotation id. Nothing listens in normal use; the test suite
 * subscribes and kills the process there, to prove that `--resume` finishes from any point.
 */
export function passed(point: string, rotationId: string): void {
  if (progressChannel.hasSubscribers) progressChannel.publish({ point, rotationId });
}

export class RotationFailed extends KeywardenError {
  constructor(
    readonly journal: Journal,
    step: Step,
    cause: string,
  ) {
    super(
      `rotation ${journal.id} stopped at ${step}: ${cause}; the old key ${journal.old.id} is still active`,
      1,
      `fix the cause, then: keywarden rotate --resume ${journal.id}`,
    );
  }
}

export interface RotationDeps {
  ctx: Context;
  provider: Provider;
  store: SecretStore;
  journals: JournalStore;
  /** the secrets the provider's create asks for besides the admin token, given for this run */
  credentials: Record<string, string>;
  /** one line per finished step */
  progress: (line: string) => void;
}

/** With the provider's own rotate, how long the old secret outlives the new one for --deliver to hand it on. */
export const deliverAllowanceMs = 60_000;

/**
 * Carries a rotation from its last finished step to the end: create (and store), deliver, verify use, grace,
 * revoke the old key. The journal is saved after every step, so a crash at any point leaves a state that
 * `rotate --resume` finishes without doing a finished step twice; the old key stays active until the last step.
 */
export class RotationRunner {
  constructor(
    private readonly deps: RotationDeps,
    private readonly journal: Journal,
  ) {}

  private now(): string {
    return this.deps.ctx.now().toISOString();
  }

  private async finishStep(...names: Step[]): Promise<void> {
    for (const name of names) this.journal.done[name] = this.now();
    this.journal.last_error = null;
    await this.deps.journals.save(this.journal);
    for (const name of names) passed(`after-${name}`, this.journal.id);
  }

  private account(key: Key): string {
    return keyAccount(this.journal.profile, key.id);
  }

  async run(): Promise<Journal> {
    const { journal } = this;
    const stepsToRun: [Step, boolean, () => Promise<void>][] = [
      ['create', !journal.done.create, () => this.create()],
      ['deliver', journal.plan.deliver !== null && !journal.done.deliver, () => this.deliver()],
      ['verify', journal.plan.verify_use_ms !== null && !journal.done.verify, () => this.verify()],
      // after a native rotate the provider ends the old secret at the deadline itself: nothing is left to wait for
      ['grace', journal.plan.grace_ms !== null && !journal.plan.native && !journal.done.grace, () => this.grace()],
      ['revoke', !journal.plan.keep_old && !journal.done.revoke, () => this.revokeOld()],
    ];
    for (const [step, pending, work] of stepsToRun) {
      if (!pending) continue;
      try {
        await work();
      } catch (error) {
        if (this.deps.ctx.signal.aborted) {
          this.deps.ctx.note(
            `keywarden: rotation ${journal.id} interrupted at ${step}; the old key ${journal.old.id} is still ${journal.old_revoked ? 'revoked' : 'active'}; finish it: keywarden rotate --resume ${journal.id}`,
          );
          throw error;
        }
        journal.last_error = `${step}: ${(error as Error).message}`;
        // a journal that cannot be written (a full disk) must not hide why the rotation stopped
        const unrecorded = await this.deps.journals.save(journal).then(
          () => '',
          (failure: unknown) => `; the journal could not record this (${reasonOf(failure)})`,
        );
        throw new RotationFailed(journal, step, `${(error as Error).message}${unrecorded}`);
      }
    }
    journal.finished_at = this.now();
    await this.deps.journals.finish(journal);
    return journal;
  }

  /**
   * Creates the new key and stores its secret before the journal admits the key exists: there is never a moment
   * after which a crash leaves a key whose secret is neither in memory nor in the store, short of the request itself.
   */
  private async create(): Promise<void> {
    const { journal } = this;
    if (journal.plan.native) return this.rotateNatively();
    const { ctx, provider, store } = this.deps;
    if (journal.create_started_at !== null) await this.reconcile();
    if (journal.new) return;

    const sentAt = ctx.now().getTime();
    journal.create_started_at = new Date(sentAt).toISOString();
    // retries of an idempotent create stop within a minute of the first attempt
    journal.create_answer_by = new Date(
      sentAt + ctx.settings.timeoutMs + (provider.capabilities.idempotentCreate ? 60_000 : 0),
    ).toISOString();
    await this.deps.journals.save(journal);
    await ctx.interrupts.guard("the new key's create request and storing its secret", async (step) => {
      step.waitingFor(`${provider.displayName}'s answer to the create request`);
      const created = await provider.create(journal.plan.request, {
        signal: step.signal,
        credentials: this.deps.credentials,
      });
      const { record, secret } = ctx.services.keeper.accept(created);
      passed('create-answered', journal.id);
      const key = withProfile(journal.provider, journal.profile, record);
      step.beforeForcedStop(
        () => void revealAsLastResort(ctx, key, secret, 'stopped before the new secret was stored'),
      );
      step.waitingFor(`the secret store to keep the secret of ${key.id}`);
      try {
        await ctx.services.keeper.keep(store, journal.profile, key.id, secret);
      } catch (error) {
        const revoked = await this.takeBack(key, secret);
        const cause = `the new key's secret could not be stored (${(error as Error).message})`;
        throw new Error(
          revoked
            ? `${cause}, so the new key ${key.id} was revoked again`
            : `${cause}, and the new key ${key.id} could not be revoked either: its secret was printed above; revoke it: keywarden revoke ${key.id}`,
          { cause: error },
        );
      }
      journal.new = key;
      await this.finishStep('create', 'store');
      step.beforeForcedStop(undefined);
      this.deps.progress(`created ${key.id} and stored its secret in ${store.location(this.account(key))}`);
    });
  }

  /**
   * The provider's own rotate (LaunchDarkly's reset): the same key gets a new secret, and the old secret is told to
   * end when the grace period does (plus a minute for --deliver), counted from the reset; that deadline is journaled
   * before the request. The new secret replaces the key's stored one. A reset interrupted before its answer cannot
   * be proved either way but by the key's visible hint: if the hint changed, the reset went through and its secret
   * was lost, so the next reset ends that one at once; if not, it asks again with the journaled deadline.
   */
  private async rotateNatively(): Promise<void> {
    const { journal } = this;
    const { ctx, provider, store } = this.deps;
    let oldSecretEnds = journal.grace_until === null ? undefined : Date.parse(journal.grace_until);
    let endsAt = oldSecretEnds;
    if (journal.create_started_at !== null && (await this.lostResetWentThrough())) endsAt = ctx.now().getTime();
    if (oldSecretEnds === undefined) {
      oldSecretEnds =
        ctx.now().getTime() + (journal.plan.grace_ms ?? 0) + (journal.plan.deliver ? deliverAllowanceMs : 0);
      journal.grace_until = new Date(oldSecretEnds).toISOString();
      endsAt = oldSecretEnds;
    }
    journal.create_started_at = this.now();
    await this.deps.journals.save(journal);
    await ctx.interrupts.guard("the key's new secret and storing it", async (step) => {
      step.waitingFor(`${provider.displayName}'s answer to the rotate request`);
      const created = await provider.rotate!(journal.old.id, {
        signal: step.signal,
        credentials: this.deps.credentials,
        oldSecretExpiresAt: new Date(endsAt!),
      });
      const { record, secret } = ctx.services.keeper.accept(created);
      passed('create-answered', journal.id);
      const key = withProfile(journal.provider, journal.profile, record);
      // nothing can take the key back without taking the old secret with it: the person gets this one if need be
      step.beforeForcedStop(
        () => void revealAsLastResort(ctx, key, secret, 'stopped before the new secret was stored'),
      );
      step.waitingFor(`the secret store to keep the new secret of ${key.id}`);
      try {
        await ctx.services.keeper.keep(store, journal.profile, key.id, secret);
      } catch (error) {
        await revealAsLastResort(ctx, key, secret, `the new secret of ${key.id} could not be stored`);
        throw new Error(
          `the new secret could not be stored (${(error as Error).message}); it was printed above, and the old one ends at ${journal.grace_until}`,
          { cause: error },
        );
      }
      journal.new = key;
      await this.finishStep('create', 'store');
      step.beforeForcedStop(undefined);
      this.deps.progress(
        `gave ${key.id} a new secret, stored in ${store.location(this.account(key))}; the old one ends at ${journal.grace_until}`,
      );
    });
  }

  /** Whether an interrupted reset went through: the key's visible hint or prefix is not the old secret's any more. */
  private async lostResetWentThrough(): Promise<boolean> {
    const { journal } = this;
    const { ctx, provider } = this.deps;
    const { old } = journal;
    if (old.hint === null && old.prefix === null) {
      ctx.note(
        `keywarden: warning: ${provider.id} shows no part of a key's secret, so whether the interrupted reset of ${old.id} went through cannot be told; asking for a new secret again`,
      );
      return false;
    }
    for await (const record of uniqueKeys(provider)) {
      if (record.id === old.id) return record.hint !== old.hint || record.prefix !== old.prefix;
    }
    throw new Error(`${old.id} is no longer listed by ${provider.id}`);
  }

  /**
   * A new key whose secret cannot be kept is taken out of service at once; if even that fails, the person gets the
   * secret. True when the key was revoked.
   */
  private async takeBack(key: Key, secret: Secret): Promise<boolean> {
    let revoked = true;
    try {
      await this.deps.provider.revoke(key.id);
    } catch {
      revoked = false;
      await revealAsLastResort(this.deps.ctx, key, secret, `the new key ${key.id} could be neither stored nor revoked`);
    }
    this.journal.orphans.push({ id: key.id, revoked });
    await this.deps.journals.save(this.journal);
    return revoked;
  }

  /**
   * An earlier attempt was interrupted during create. An idempotent provider answers the repeated request (same
   * idempotency key) with the same key and secret, so there is nothing to find. Otherwise, of the active keys of
   * that name created while the lost answer was due, one whose secret is in this machine's store is provably the
   * attempt's, and is adopted; any other may be someone else's (a colleague's new key of the same name), so it is
   * named and left alone. A revoked or expired key is never taken for the new one.
   */
  private async reconcile(): Promise<void> {
    const { journal } = this;
    const { provider, store, ctx } = this.deps;
    if (provider.capabilities.idempotentCreate) return;
    const skew = 60_000;
    const from = Date.parse(journal.create_started_at!) - skew;
    const to = Date.parse(journal.create_answer_by ?? journal.create_started_at!) + ctx.settings.timeoutMs + skew;
    const known = new Set([journal.old.id, ...journal.orphans.map((o) => o.id)]);
    const name = provider.capabilities.names ? journal.plan.request.name : null;
    const candidates = (await activeKeysCreatedBetween(provider, name, from, to)).filter((k) => !known.has(k.id));
    for (const record of candidates) {
      const key = withProfile(journal.provider, journal.profile, record);
      if (!journal.new && (await ctx.services.keeper.read(store, journal.profile, key.id)) !== undefined) {
        journal.new = key;
        await this.finishStep('create', 'store');
        this.deps.progress(`found ${key.id}, created and stored by the interrupted attempt`);
        continue;
      }
      journal.orphans.push({ id: key.id, revoked: false });
      await this.deps.journals.save(journal);
      ctx.note(
        `keywarden: warning: ${describeKey(key)}, created ${key.created_at}, may be the key the interrupted attempt made, whose secret never arrived; ` +
          `nothing proves it, so it is left as it is: if nobody uses it, revoke it: keywarden --profile ${journal.profile} revoke ${key.id}`,
      );
    }
  }

  private async deliver(): Promise<void> {
    const { journal } = this;
    const { ctx, store } = this.deps;
    const key = journal.new!;
    const secret = await ctx.services.keeper.read(store, journal.profile, key.id);
    if (secret === undefined)
      throw new Error(`the secret of ${key.id} is no longer in ${store.location(this.account(key))}`);
    await ctx.interrupts.guard('the --deliver command', async (step) => {
      await deliver(ctx, journal.plan.deliver!, key, secret, step.signal);
      await this.finishStep('deliver');
    });
    this.deps.progress('delivered the new secret');
  }

  /** Polls the provider until the new key has been used, or the --verify-use time is up. */
  private async verify(): Promise<void> {
    const { journal } = this;
    const { ctx } = this.deps;
    const timeout = journal.plan.verify_use_ms!;
    const interval = Math.min(15_000, Math.max(1_000, Math.floor(timeout / 20)));
    const deadline = ctx.now().getTime() + timeout;
    const countdown = ctx.progress.countdown(
      `waiting for ${journal.new!.id} to be used`,
      deadline,
      `Ctrl-C stops; keywarden rotate --resume ${journal.id} goes on`,
    );
    try {
      await this.pollForUse(deadline, interval);
    } finally {
      countdown.done();
    }
  }

  private async pollForUse(deadline: number, interval: number): Promise<void> {
    const { journal } = this;
    const { ctx, provider } = this.deps;
    const timeout = journal.plan.verify_use_ms!;
    for (;;) {
      let seen: Key | undefined;
      for await (const record of uniqueKeys(provider)) {
        if (record.id === journal.new!.id) seen = withProfile(journal.provider, journal.profile, record);
      }
      if (!seen) throw new Error(`the new key ${journal.new!.id} is not listed by ${provider.id}`);
      if (seen.last_used_at !== null) {
        journal.new = seen;
        journal.verified_use = true;
        await this.finishStep('verify');
        this.deps.progress(`the new key is in use (last used ${seen.last_used_at})`);
        return;
      }
      const left = deadline - ctx.now().getTime();
      if (left <= 0) {
        journal.verified_use = false;
        throw new Error(`the new key was not used within ${formatDuration(timeout)}`);
      }
      await ctx.waitUntil(ctx.now().getTime() + Math.min(interval, left));
    }
  }

  /** The grace period is a deadline in the journal, waited out in short steps, so a resume keeps it exactly. */
  private async grace(): Promise<void> {
    const { journal } = this;
    const { ctx } = this.deps;
    if (journal.grace_until === null) {
      journal.grace_until = new Date(ctx.now().getTime() + journal.plan.grace_ms!).toISOString();
      await this.deps.journals.save(journal);
    }
    const until = Date.parse(journal.grace_until);
    if (until > ctx.now().getTime()) {
      this.deps.progress(
        `waiting out the grace period, until ${journal.grace_until} (interrupted, it carries on with keywarden rotate --resume ${journal.id})`,
      );
      const countdown = ctx.progress.countdown('grace period', until, `then ${journal.old.id} is revoked`);
      try {
        await ctx.waitUntil(until);
      } finally {
        countdown.done();
      }
    }
    await this.finishStep('grace');
  }

  /** Revokes the old key; one that is gone already (an interrupted earlier revoke) counts as revoked. */
  private async revokeOld(): Promise<void> {
    const { journal } = this;
    const { ctx, provider } = this.deps;
    if (journal.plan.native) {
      // the provider ends the old secret itself, at the deadline the reset was given
      const ended = Date.parse(journal.grace_until!) <= ctx.now().getTime();
      journal.old_revoked = ended;
      await this.finishStep('revoke');
      this.deps.progress(
        ended
          ? `the old secret of ${journal.old.id} has ended`
          : `the old secret of ${journal.old.id} ends at ${journal.grace_until}, when ${provider.displayName} ends it`,
      );
      return;
    }
    try {
      await ctx.interrupts.guard('revoking the old key', (step) =>
        provider.revoke(journal.old.id, { signal: step.signal }),
      );
    } catch (error) {
      if (!(error instanceof ProviderError && error.kind === 'not_found')) throw error;
      ctx.note(`${journal.old.id} was revoked already`);
    }
    await ctx.services.keeper.forgetRevoked(journal.profile, journal.old.id);
    journal.old_revoked = true;
    journal.old = { ...journal.old, status: 'revoked', revoked_at: journal.old.revoked_at ?? this.now() };
    await this.finishStep('revoke');
    this.deps.progress(`revoked the old key ${journal.old.id}`);
  }
}
