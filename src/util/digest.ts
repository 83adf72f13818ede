import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string | Buffer, outputEncoding: 'hex' | 'base64url') => string;

/** `crypto.hash` (Node ≥ 20.12; not in this @types/node yet): one call and no Hash object per digest. */
const oneShot = (crypto as unknown as { hash: OneShot }).hash;

/**
 * A digest for the hot path (request bytes, virtual keys, cache keys): ~0.3 µs and one object
 * cheaper per call than `createHash().update().digest()`, measured on this project's machine.
 */
export function digest(algorithm: 'sha1' | 'sha256', data: string | Buffer, encoding: 'hex' | 'base64url'): string {
  return oneShot(algorithm, data, encoding);
}
