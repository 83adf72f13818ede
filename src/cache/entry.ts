import type { Usage } from '../catalog/types.js';

/** A cached answer: the exact bytes the client got, and what they cost the first time. */
export interface CachedAnswer {
  status: number;
  contentType: string;
  body: Buffer;
  usage: Usage;
  costNano: number;
  model: string;
}

/** [4-byte meta length][meta JSON][body bytes]: one buffer for any cache store. */
export function encodeAnswer(answer: CachedAnswer): Buffer {
  const { body, ...meta } = answer;
  const metaBytes = Buffer.from(JSON.stringify(meta));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(metaBytes.length);
  return Buffer.concat([head, metaBytes, body]);
}

export function decodeAnswer(buf: Buffer): CachedAnswer {
  const metaLength = buf.readUInt32BE(0);
  const meta = JSON.parse(buf.subarray(4, 4 + metaLength).toString('utf8')) as Omit<CachedAnswer, 'body'>;
  return { ...meta, body: buf.subarray(4 + metaLength) };
}
