import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { SecretStoreError } from './store.js';

/** AES-256-GCM output, base64. */
export interface SealedBox {
  iv: string;
  tag: string;
  data: string;
}

export interface KdfParams {
  name: 'scrypt';
  salt: string;
  N: number;
  r: number;
  p: number;
}

/** The secrets file as stored: nothing in it is readable without the passphrase except the account names. */
export interface SecretsDocument {
  format: 'keywarden-secrets';
  version: 1;
  kdf: KdfParams;
  /** a known text sealed with the key: opening it proves the passphrase before anything is read or written */
  verifier: SealedBox;
  entries: Map<string, SealedBox>;
}

const verifierText = 'keywarden secrets file';
const verifierAad = 'verifier';
/** the account is authenticated with its secret, so an entry moved to another account does not open */
const entryAad = (account: string): string => `entry:${account}`;

export function newKdfParams(): KdfParams {
  return { name: 'scrypt', salt: randomBytes(16).toString('base64'), N: 2 ** 15, r: 8, p: 1 };
}

export function deriveKey(passphrase: string, kdf: KdfParams): Promise<Buffer> {
  // Node's default limit (32 MiB) is exactly what N=2^15, r=8 needs, which it counts as too much
  const options: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 2 * scryptMemory(kdf) };
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export function newDocument(kdf: KdfParams, key: Buffer): SecretsDocument {
  return {
    format: 'keywarden-secrets',
    version: 1,
    kdf,
    verifier: seal(key, verifierText, verifierAad),
    entries: new Map(),
  };
}

export function opensWith(document: SecretsDocument, key: Buffer): boolean {
  return unseal(key, document.verifier, verifierAad) === verifierText;
}

export function sealEntry(key: Buffer, account: string, secret: string): SealedBox {
  return seal(key, secret, entryAad(account));
}

/** The entry's secret, or undefined when it fails authentication (changed, damaged, or moved from another account). */
export function openEntry(key: Buffer, account: string, box: SealedBox): string | undefined {
  return unseal(key, box, entryAad(account));
}

function seal(key: Buffer, text: string, aad: string): SealedBox {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

function unseal(key: Buffer, box: SealedBox, aad: string): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export function serialise(document: SecretsDocument): string {
  const { entries, ...rest } = document;
  return `${JSON.stringify({ ...rest, entries: Object.fromEntries(entries) }, null, 2)}\n`;
}

export function parseDocument(text: string, path: string): SecretsDocument {
  const damaged = (): SecretStoreError =>
    new SecretStoreError(
      `${path} is not a keywarden secrets file, or it is damaged`,
      'restore it from a backup, or point keywarden at another file',
    );
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw damaged();
  }
  if (!isRecord(raw) || raw.format !== 'keywarden-secrets') throw damaged();
  if (raw.version !== 1)
    throw new SecretStoreError(
      `${path} has version ${String(raw.version)} of the secrets file format, which this keywarden cannot read`,
      'upgrade keywarden',
    );
  const { kdf, verifier, entries } = raw;
  if (!isKdfParams(kdf) || !isSealedBox(verifier) || !isRecord(entries)) throw damaged();
  const boxes = new Map<string, SealedBox>();
  for (const [account, box] of Object.entries(entries)) {
    if (!isSealedBox(box)) throw damaged();
    boxes.set(account, box);
  }
  return { format: 'keywarden-secrets', version: 1, kdf, verifier, entries: boxes };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSealedBox(value: unknown): value is SealedBox {
  return (
    isRecord(value) && typeof value.iv === 'string' && typeof value.tag === 'string' && typeof value.data === 'string'
  );
}

/** scrypt needs about 128·N·r bytes */
const scryptMemory = (kdf: Pick<KdfParams, 'N' | 'r'>): number => 128 * kdf.N * kdf.r;

/** Bounded, so a doctored file cannot make keywarden ask for gigabytes of memory. */
function isKdfParams(value: unknown): value is KdfParams {
  if (!isRecord(value) || value.name !== 'scrypt' || typeof value.salt !== 'string') return false;
  const { N, r, p } = value;
  if (typeof N !== 'number' || typeof r !== 'number' || typeof p !== 'number') return false;
  const powerOfTwo = Number.isInteger(N) && N >= 2 ** 14 && (N & (N - 1)) === 0;
  return (
    powerOfTwo &&
    Number.isInteger(r) &&
    r >= 1 &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= 4 &&
    scryptMemory({ N, r }) <= 256 * 1024 * 1024
  );
}
