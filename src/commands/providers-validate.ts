import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { checkBaseUrl } from '../http/url.js';
import { manifestDefinition } from '../manifest/definition.js';
import { ManifestError, readManifest } from '../manifest/load.js';
import { requestPlan, type PlannedRequest } from '../manifest/plan.js';
import type { Manifest } from '../manifest/types.js';
import { capabilitiesDoc } from '../providers/capabilities.js';
import type { CreateRequest, ProviderDefinition } from '../providers/types.js';
import { inert, safeJson } from '../render/inert.js';
import { done, type Outcome } from '../outcome.js';
import { createRequest, type KeyOptions } from './create-request.js';
import { command, required, type Input } from '../command-spec.js';

const args = { file: required('<file>', 'the manifest, e.g. ./acme.json', 'files') };

export const validateCommand = command({
  name: 'validate',
  summary: 'check a provider manifest and show the requests it would send, sending none',
  arguments: args,
  examples: [
    {
      note: "a built-in provider's manifest and its request plan",
      command: 'keywarden providers validate manifests/twilio.json',
    },
  ],
  run: validate,
});

/** a key id every provider takes, a number among them (GitHub's are) */
const sampleId = '42';
const sampleIdempotencyKey = '<a new UUID for each create>';
const placeholderToken = '<admin token>';
/** the plan's stand-in for a setting or credential, shown as such */
const standIn = (name: string): string => `<${name}>`;

/** `keywarden create demo ...` with every option the provider takes, as create would turn it into a request. */
function sampleCreate(definition: ProviderDefinition, ctx: Context): { command: string; request: CreateRequest } {
  const c = definition.capabilities;
  const options: KeyOptions = {};
  const flags: string[] = [];
  const give = <K extends keyof KeyOptions>(key: K, flag: string, value: KeyOptions[K]): void => {
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

/** A URL as the plan shows it: stand-ins readable, not percent-encoded. */
const shownUrl = (url: string): string => url.replace(/%3C/gi, '<').replace(/%3E/gi, '>');

/** providers validate FILE: every problem of a manifest with its field path (exit 2), or "valid" and the requests it makes. */
async function validate(ctx: Context, { file }: Input<{ arguments: typeof args }>): Promise<Outcome> {
  const out = ctx.presenter(['table', 'json'] as const);
  let manifest: Manifest;
  try {
    manifest = await readManifest(resolve(file), file);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    await out.document({ file, valid: false, problems: error.problems });
    for (const line of error.lines()) ctx.note(`keywarden: ${line}`);
    return { kind: 'invalid' };
  }
  // the plan shows where values from the environment, settings and credentials go, never a value
  const fromEnv =
    manifest.auth.extra_header && 'from_env' in manifest.auth.extra_header
      ? manifest.auth.extra_header.from_env
      : undefined;
  const definition = manifestDefinition(manifest, { env: fromEnv ? { [fromEnv]: `<$${fromEnv}>` } : {} });
  const baseUrl = ctx.globals.baseUrl
    ? checkBaseUrl(ctx.globals.baseUrl, '--base-url')
    : (definition.defaultBaseUrl ?? 'https://your-base-url.example');
  const settings = Object.fromEntries(definition.settings.map((s) => [s.name, s.example ?? standIn(s.name)]));
  const token =
    manifest.auth.scheme === 'basic' && !manifest.auth.username
      ? `${standIn('user')}:${placeholderToken}`
      : placeholderToken;
  const sample = definition.capabilities.create ? sampleCreate(definition, ctx) : undefined;
  const plan = await requestPlan(
    manifest,
    definition,
    { baseUrl, token, settings },
    {
      create: sample?.request ?? { name: 'demo' },
      credentials: Object.fromEntries(definition.credentials.map((c) => [c.name, `<$${c.env}>`])),
      keyId: sampleId,
      oldSecretExpiresAt: new Date(Date.UTC(2030, 0, 1)),
    },
  );

  if (out.format === 'json') {
    const doc = {
      file,
      valid: true,
      provider: {
        id: definition.id,
        name: definition.displayName,
        base_url: baseUrl,
        capabilities: capabilitiesDoc(definition.capabilities),
        settings: definition.settings,
        credentials: definition.credentials,
      },
      sent: false,
      list: plan.list,
      create: plan.create && sample ? { command: sample.command, ...plan.create } : null,
      revoke: plan.revoke && { id: sampleId, ...plan.revoke },
      rotate: plan.rotate && { id: sampleId, ...plan.rotate },
    };
    await out.document(doc);
    return done;
  }
  const request = (r: PlannedRequest): string => `${r.method} ${shownUrl(r.url)}`;
  // HTTP Basic as what it carries, so the plan says whose name and which secret go where
  const header = (value: string): string =>
    value.startsWith('Basic ') ? `Basic base64(${Buffer.from(value.slice(6), 'base64').toString()})` : value;
  const body = (r: PlannedRequest): string[] =>
    r.body === undefined
      ? ['          no body']
      : [`          body ${typeof r.body === 'string' ? r.body : safeJson(r.body)}`];
  const lines = [
    `${file}: valid`,
    `provider  ${definition.displayName} (${definition.id}) at ${baseUrl}`,
    ...definition.settings.map(
      (s, i) =>
        `${i === 0 ? 'settings' : '        '}  ${s.name}: ${s.description}${s.example ? `, e.g. ${s.example}` : ''}${s.required ? '' : ' (optional)'}`,
    ),
    `auth      ${Object.entries(plan.list.headers)
      .map(([name, value]) => `${name}: ${header(value)}`)
      .join(', ')}`,
    '',
    'requests it would send (none was sent):',
    `list      ${request(plan.list)}`,
    `          pagination ${plan.list.pagination.style}: ${plan.list.pagination.how}`,
    ...(plan.list.page_size
      ? [
          `          page size ${plan.list.page_size.param}=${plan.list.page_size.value}, the largest the provider allows`,
        ]
      : []),
    ...(plan.create && sample
      ? [
          `create    ${request(plan.create)}`,
          `          for: ${sample.command}`,
          ...body(plan.create),
          ...Object.entries(plan.create.headers)
            .filter(([name]) => !(name in plan.list.headers))
            .map(([name, value]) => `          ${name}: ${value}`),
          ...definition.credentials.map(
            (c) =>
              `          ${c.name}: ${c.description}, from ${c.env}${c.prompt ? ' or asked hidden on a terminal' : ''}${c.required ? '' : ' (when set)'}`,
          ),
        ]
      : ['create    none: the provider has no create']),
    ...(plan.revoke
      ? [
          `revoke    ${request(plan.revoke)}`,
          ...(plan.revoke.body === undefined ? [] : body(plan.revoke)),
          ...(plan.revoke.if_405 ? [`          if answered 405: ${request(plan.revoke.if_405)}`] : []),
        ]
      : ['revoke    none: the provider has no revoke']),
    ...(plan.rotate
      ? [
          `rotate    ${request(plan.rotate)}`,
          '          a new secret for the same key; the old one ends when the grace period does',
          ...(plan.rotate.body === undefined ? [] : body(plan.rotate)),
        ]
      : []),
  ];
  await out.document(null, lines.map(inert));
  return done;
}
