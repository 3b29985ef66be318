import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { checkBaseUrl } from '../http/url.js';
import { manifestDefinition } from '../manifest/definition.js';
import { ManifestError, readManifest } from '../manifest/load.js';
import { requestPlan, type PlannedRequest } from '../manifest/plan.js';
import type { Manifest } from '../manifest/types.js';
import type { CreateRequest, ProviderDefinition } from '../providers/types.js';
import { outputFormat } from '../render/format.js';
import { inert, safeJson } from '../render/inert.js';
import { createRequest, type CreateOptions } from './create.js';

const sampleId = 'sample-key-id';
const sampleIdempotencyKey = '<a new UUID for each create>';

/** `keywarden create demo ...` with every option the provider takes, as create would turn it into a request. */
function sampleCreate(definition: ProviderDefinition, ctx: Context): { command: string; request: CreateRequest } {
  const c = definition.capabilities;
  const options: CreateOptions = {};
  const flags: string[] = [];
  const give = <K extends keyof CreateOptions>(key: K, flag: string, value: CreateOptions[K]): void => {
    options[key] = value;
    flags.push(value === true ? flag : `${flag} ${String(value)}`);
  };
  if (c.scopes) give('scopes', '--scopes', 'a,b');
  if (c.environments) give('environment', '--environment', 'test');
  if (c.expiry) give('expiresIn', '--expires-in', '30d');
  else if (c.expireNow) give('expireNow', '--expire-now', true);
  if (c.principal) give('principal', '--principal', 'principal-123');
  if (c.ipAllowlist) give('ipAllowlist', '--ip-allowlist', '203.0.113.0/24');
  const request = createRequest(definition, 'demo', options, ctx.now());
  // a stand-in, so the plan is the same on every run
  if (request.idempotencyKey) request.idempotencyKey = sampleIdempotencyKey;
  return { command: ['keywarden create demo', ...flags].join(' '), request };
}

/** providers validate FILE: every problem of a manifest with its field path (exit 2), or "valid" and the requests it makes. */
export async function run(ctx: Context, file: string): Promise<number> {
  const format = outputFormat(ctx, ['table', 'json'] as const);
  let manifest: Manifest;
  try {
    manifest = await readManifest(resolve(file), file);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    if (format === 'json') await ctx.out(`${safeJson({ file, valid: false, problems: error.problems }, 2)}\n`);
    for (const line of error.lines()) ctx.note(`keywarden: ${line}`);
    return 2;
  }
  // the plan shows where a from_env header goes, never its value
  const fromEnv = manifest.auth.extra_header && 'from_env' in manifest.auth.extra_header ? manifest.auth.extra_header.from_env : undefined;
  const definition = manifestDefinition(manifest, { env: fromEnv ? { [fromEnv]: `<$${fromEnv}>` } : {} });
  const baseUrl = ctx.globals.baseUrl ? checkBaseUrl(ctx.globals.baseUrl) : definition.defaultBaseUrl;
  const sample = sampleCreate(definition, ctx);
  const plan = await requestPlan(manifest, definition, baseUrl, { create: sample.request, revokeId: sampleId });

  if (format === 'json') {
    const doc = {
      file,
      valid: true,
      provider: { id: definition.id, name: definition.displayName, base_url: baseUrl, capabilities: definition.capabilities },
      sent: false,
      list: plan.list,
      create: { command: sample.command, ...plan.create },
      revoke: { id: sampleId, ...plan.revoke },
    };
    await ctx.out(`${safeJson(doc, 2)}\n`);
    return 0;
  }
  const request = (r: PlannedRequest): string => `${r.method} ${r.url}`;
  const lines = [
    `${file}: valid`,
    `provider  ${definition.displayName} (${definition.id}) at ${baseUrl}`,
    `auth      ${Object.entries(plan.list.headers).map(([name, value]) => `${name}: ${value}`).join(', ')}`,
    '',
    'requests it would send (none was sent):',
    `list      ${request(plan.list)}`,
    `          pagination ${plan.list.pagination.style}: ${plan.list.pagination.how}`,
    ...(plan.list.page_size ? [`          page size ${plan.list.page_size.param}=${plan.list.page_size.value}, the largest the provider allows`] : []),
    `create    ${request(plan.create)}`,
    `          for: ${sample.command}`,
    ...(plan.create.body === undefined ? ['          no body'] : [`          body ${safeJson(plan.create.body)}`]),
    ...Object.entries(plan.create.headers)
      .filter(([name]) => !(name in plan.list.headers))
      .map(([name, value]) => `          ${name}: ${value}`),
    `revoke    ${request(plan.revoke)}`,
    ...(plan.revoke.body === undefined ? [] : [`          body ${safeJson(plan.revoke.body)}`]),
    ...(plan.revoke.if_405 ? [`          if answered 405: ${request(plan.revoke.if_405)}`] : []),
  ];
  await ctx.out(`${lines.map(inert).join('\n')}\n`);
  return 0;
}
