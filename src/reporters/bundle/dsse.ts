import { createHash, type KeyObject, sign, verify } from 'node:crypto';
import { DSSE_PAYLOAD_TYPE, type DsseEnvelope } from '../../model/attestation.ts';

/**
 * DSSE (Dead Simple Signing Envelope, v1) with ed25519 through node:crypto: the signature covers
 * the pre-authentication encoding of payload type and payload, never the JSON around them, so
 * nothing about how the envelope is serialised can change what was signed.
 */

/** `DSSEv1 <len(type)> <type> <len(body)> <body>`, lengths in bytes as ASCII decimals. */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${body.length} `, 'utf8'),
    body,
  ]);
}

/** The key id rollgate writes: sha256 (hex) of the public key's SubjectPublicKeyInfo DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Signs `body` (a statement's JSON bytes) into an envelope with one signature. */
export function signEnvelope(body: Buffer, privateKey: KeyObject, keyid: string): DsseEnvelope {
  const sig = sign(null, pae(DSSE_PAYLOAD_TYPE, body), privateKey);
  return {
    payloadType: DSSE_PAYLOAD_TYPE,
    payload: body.toString('base64'),
    signatures: [{ keyid, sig: sig.toString('base64') }],
  };
}

/** Strict base64 (standard alphabet, padded): a payload read otherwise is not the one signed. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

export type SignatureCheck = { ok: true; keyid: string } | { ok: false; reason: string; keyids: string[] };

/**
 * Whether one of the envelope's signatures is `publicKey`'s over its payload. A signature under
 * another key id is not tried: with a team's key given, only that key's signature counts.
 */
export function checkSignature(envelope: DsseEnvelope, publicKey: KeyObject): SignatureCheck {
  const keyid = keyIdOf(publicKey);
  const keyids = envelope.signatures.map((s) => s.keyid);
  const body = decodeBase64(envelope.payload);
  if (!body) return { ok: false, reason: 'the payload is not base64', keyids };
  const mine = envelope.signatures.filter((s) => s.keyid === keyid);
  if (!mine.length)
    return {
      ok: false,
      reason: `not signed by key ${keyid.slice(0, 16)}… (signed by ${keyids.map((k) => `${k.slice(0, 16) || '(no key id)'}…`).join(', ')})`,
      keyids,
    };
  const message = pae(envelope.payloadType, body);
  for (const s of mine) {
    const sig = decodeBase64(s.sig);
    try {
      if (sig && verify(null, message, publicKey, sig)) return { ok: true, keyid };
    } catch {
      // A malformed signature is simply not a valid one.
    }
  }
  return {
    ok: false,
    reason: `the signature by key ${keyid.slice(0, 16)}… does not match the payload (changed after signing)`,
    keyids,
  };
}
