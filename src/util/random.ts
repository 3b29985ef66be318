/** A small seeded generator (mulberry32): the sandbox's data is the same for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from text, so `--seed demo` works as well as `--seed 42`. */
export function seedFrom(text: string | number): number {
  if (typeof text === 'number') return text;
  if (/^\d+$/.test(text)) return Number(text);
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}

const alphabets = {
  base62: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  hex: '0123456789abcdef',
  base36: '0123456789abcdefghijklmnopqrstuvwxyz',
} as const;

export function randomString(random: () => number, length: number, alphabet: keyof typeof alphabets): string {
  const chars = alphabets[alphabet];
  let out = '';
  for (let i = 0; i < length; i++) out += chars.charAt(Math.floor(random() * chars.length));
  return out;
}

/** A KSUID (27 base62 characters: 4 bytes of seconds since 2014-05-13, 16 random bytes), so ids sort by time. */
export function ksuid(random: () => number, atMs: number): string {
  const bytes = new Uint8Array(20);
  const seconds = Math.floor(atMs / 1000) - 1_400_000_000;
  new DataView(bytes.buffer).setUint32(0, Math.max(0, seconds));
  for (let i = 4; i < 20; i++) bytes[i] = Math.floor(random() * 256);
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let out = '';
  while (value > 0n) {
    out = alphabets.base62.charAt(Number(value % 62n)) + out;
    value /= 62n;
  }
  return out.padStart(27, '0');
}

export function uuid(random: () => number): string {
  const hex = randomString(random, 32, 'hex').split('');
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)]!;
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
