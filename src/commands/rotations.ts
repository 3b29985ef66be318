import type { Context } from '../context.js';
import { connect } from '../credentials.js';
import { UsageError } from '../errors.js';
import { makeProfile } from '../profiles.js';
import { ProviderError } from '../providers/errors.js';
import { done, declined, type Outcome } from '../outcome.js';
import { inert } from '../render/inert.js';
import type { Presenter, RecordsView } from '../render/present.js';
import { describeKey } from '../render/keys.js';
import { currentStep, isOpen, type Journal, type JournalStore } from '../rotation/journal.js';

const state = (journal: Journal): string =>
  journal.aborted_at ? 'aborted' : journal.finished_at ? 'finished' : 'unfinished';

const keyOf = (j: Journal): string => `${j.old.id}${j.old.name ? ` (${j.old.name})` : ''}`;

export const rotationsView: RecordsView<Journal> = {
  columns: [
    { header: 'ROTATION', fit: 'id', cell: (j, s) => s.plain(j.id) },
    { header: 'PROFILE', fit: 'truncate', drop: 3, cell: (j, s) => s.plain(j.profile) },
    { header: 'KEY', fit: 'truncate', cell: (j, s) => s.plain(keyOf(j)) },
    { header: 'STEP', fit: 'fixed', cell: (j, s) => s.plain(currentStep(j)) },
    { header: 'STARTED', fit: 'fixed', drop: 2, cell: (j, s) => s.when(j.started_at) },
    { header: 'STATE', fit: 'fixed', drop: 1, cell: (j, s) => s.plain(state(j)) },
  ],
  empty: 'no rotations on record',
  line: (j) => [j.id, j.profile, keyOf(j), currentStep(j), j.started_at, state(j)],
  json: (j) => ({
    rotation_id: j.id,
    key_id: j.old.id,
    profile: j.profile,
    step: currentStep(j),
    started_at: j.started_at,
    finished: j.finished_at !== null,
  }),
};

/** rotate --list: every rotation on record here, newest first, with the step each is at. */
export async function listRotations(journals: JournalStore, out: Presenter<'table' | 'json'>): Promise<Outcome> {
  await out.rows(rotationsView, await journals.all());
  return done;
}

/**
 * rotate --abort ID: ends an unfinished rotation. A new key that was created but not delivered is revoked and its
 * stored secret deleted; one already delivered is kept and named, since something may use it now; the old key is
 * left as it is. The journal is marked aborted, and the key may be rotated again.
 */
export async function abortRotation(
  ctx: Context,
  journals: JournalStore,
  id: string,
  out: Presenter<'table' | 'json'>,
): Promise<Outcome> {
  const journal = await journals.load(id);
  if (!isOpen(journal))
    throw new UsageError(`rotation ${journal.id} has ${state(journal)} already; there is nothing to abort`);
  const created = journal.new;
  const delivered = journal.done.deliver !== undefined;
  const revokeNew = created !== null && !delivered;
  if (
    revokeNew &&
    !(await ctx.confirm(`Abort rotation ${journal.id} and revoke the new key ${describeKey(created)}?`))
  ) {
    ctx.note('keywarden: not confirmed; the rotation is left where it stopped');
    return declined;
  }
  if (revokeNew) {
    const profile = await makeProfile(ctx, journal.profile, journal.provider_ref, {
      baseUrl: journal.base_url,
      store: journal.plan.store,
    });
    const provider = await connect(ctx, profile);
    try {
      await ctx.interrupts.guard('revoking the new key', (step) =>
        provider.revoke(created.id, { signal: step.signal }),
      );
    } catch (error) {
      if (!(error instanceof ProviderError && error.kind === 'not_found')) throw error;
    }
    await ctx.services.keeper.forgetRevoked(journal.profile, created.id);
    ctx.note(`revoked the new key ${describeKey(created)}, which was never delivered, and deleted its stored secret`);
  } else if (created) {
    ctx.note(
      `the new key ${describeKey(created)} was delivered, so it is kept: revoke it once nothing uses it: keywarden --profile ${journal.profile} revoke ${inert(created.id)}`,
    );
  }
  for (const orphan of journal.orphans.filter((o) => !o.revoked)) {
    ctx.note(
      `${inert(orphan.id)} may be a key an interrupted attempt made; it is left as it is: keywarden --profile ${journal.profile} revoke ${inert(orphan.id)} if nobody uses it`,
    );
  }
  journal.aborted_at = ctx.now().toISOString();
  await journals.finish(journal);
  ctx.note(`aborted rotation ${journal.id}; the old key ${describeKey(journal.old)} is as it was`);
  await out.document({
    rotation_id: journal.id,
    aborted: true,
    old: journal.old,
    new: created,
    new_revoked: revokeNew,
  });
  return done;
}
