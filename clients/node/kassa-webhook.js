'use strict';
// Verifies webhooks sent by a Kassa server. Standard library only (node:crypto); copy this file into your project.
//
//   const { verify, VerificationError } = require('./kassa-webhook.js');
//   verify(secret, req.headers['kassa-signature'], rawBody); // throws VerificationError (err.code) if invalid
//
// Pass the raw request body (a Buffer, or the exact string received): the signature covers those bytes, and
// JSON.parse followed by JSON.stringify does not reproduce them.

const crypto = require('node:crypto');

/** A signed timestamp older than this many seconds is rejected (a replay, or a delivery that waited too long). */
const MAX_AGE_SECONDS = 300;
/** A signed timestamp further ahead than this many seconds is rejected (a wrong clock, or a forgery). */
const MAX_FUTURE_SECONDS = 60;

/** Error codes, shared with the Go and Python verifiers and clients/testdata/vectors.json. */
const codes = Object.freeze({
  MISSING_HEADER: 'missing_header',
  MALFORMED_HEADER: 'malformed_header',
  TIMESTAMP_TOO_OLD: 'timestamp_too_old',
  TIMESTAMP_IN_FUTURE: 'timestamp_in_future',
  NO_MATCHING_SIGNATURE: 'no_matching_signature',
});

/** Thrown by verify; `code` is one of `codes`. */
class VerificationError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'VerificationError';
    this.code = code;
  }
}

function trimBlanks(s) {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}

// Rules shared by all three verifiers: comma-separated key=value parts, spaces and tabs around a part ignored,
// exactly one t of 1-15 ASCII digits (exact as a JavaScript number), at least one v1; unknown keys ignored.
function parseHeader(header) {
  let t = null;
  const sigs = [];
  for (const raw of header.split(',')) {
    const part = trimBlanks(raw);
    const eq = part.indexOf('=');
    if (eq < 0) {
      throw new VerificationError(codes.MALFORMED_HEADER, `Kassa-Signature part "${part.slice(0, 32)}" is not key=value`);
    }
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === 't') {
      if (t !== null) throw new VerificationError(codes.MALFORMED_HEADER, 'Kassa-Signature has more than one t');
      if (!/^[0-9]{1,15}$/.test(value)) {
        throw new VerificationError(codes.MALFORMED_HEADER, 'Kassa-Signature t is not a unix time in seconds');
      }
      t = value;
    } else if (key === 'v1') {
      sigs.push(value);
    }
  }
  if (t === null) throw new VerificationError(codes.MALFORMED_HEADER, 'Kassa-Signature has no t');
  if (sigs.length === 0) throw new VerificationError(codes.MALFORMED_HEADER, 'Kassa-Signature has no v1');
  return { t, sigs };
}

/**
 * Verifies a Kassa-Signature header ("t=<unix>,v1=<hex HMAC-SHA256>[,v1=...]") against the raw body.
 * The HMAC is keyed by the whole secret string ("whsec_...") over "<t>.<body>"; any one matching v1 is enough
 * (during a secret rotation Kassa signs with both secrets). The signature is checked before the time window.
 *
 * @param {string} secret the endpoint secret, "whsec_..."
 * @param {string|string[]|undefined} header the Kassa-Signature header (req.headers['kassa-signature'])
 * @param {Buffer|Uint8Array|string} rawBody the request body exactly as received
 * @param {number} [nowSeconds] the current unix time in seconds (default: the system clock)
 * @throws {VerificationError}
 */
function verify(secret, header, rawBody, nowSeconds = Math.floor(Date.now() / 1000)) {
  if (Array.isArray(header)) header = header.join(',');
  if (typeof header !== 'string' || trimBlanks(header) === '') {
    throw new VerificationError(codes.MISSING_HEADER, 'the Kassa-Signature header is missing or empty');
  }
  const { t, sigs } = parseHeader(trimBlanks(header));

  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const want = Buffer.from(
    crypto.createHmac('sha256', secret).update(t + '.').update(body).digest('hex'),
    'utf8',
  );
  let matched = false;
  for (const sig of sigs) {
    const got = Buffer.from(sig, 'utf8');
    // timingSafeEqual needs equal lengths; a length mismatch is not secret (every real v1 is 64 hex digits).
    if (got.length === want.length && crypto.timingSafeEqual(got, want)) matched = true;
  }
  if (!matched) {
    throw new VerificationError(codes.NO_MATCHING_SIGNATURE, 'no v1 signature matches the body and secret');
  }

  const ts = Number(t);
  if (nowSeconds - ts > MAX_AGE_SECONDS) {
    throw new VerificationError(codes.TIMESTAMP_TOO_OLD, `signed at ${ts}, now ${nowSeconds}: more than 5 minutes old`);
  }
  if (ts - nowSeconds > MAX_FUTURE_SECONDS) {
    throw new VerificationError(codes.TIMESTAMP_IN_FUTURE, `signed at ${ts}, now ${nowSeconds}: more than 1 minute ahead`);
  }
}

module.exports = { verify, VerificationError, codes, MAX_AGE_SECONDS, MAX_FUTURE_SECONDS };
