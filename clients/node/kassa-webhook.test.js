'use strict';
// Run: node --test clients/node/
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { verify, VerificationError, codes } = require('./kassa-webhook.js');

const { vectors } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'testdata', 'vectors.json'), 'utf8'));

test('the vectors file is not empty', () => {
  assert.ok(vectors.length > 0);
});

for (const v of vectors) {
  for (const [kind, body] of [['Buffer', Buffer.from(v.body, 'utf8')], ['string', v.body]]) {
    test(`${v.name} (${kind} body)`, () => {
      if (v.expected === 'ok') {
        verify(v.secret, v.header, body, v.now);
        return;
      }
      assert.ok(Object.values(codes).includes(v.expected), `unknown code ${v.expected}`);
      assert.throws(() => verify(v.secret, v.header, body, v.now), (err) => {
        assert.ok(err instanceof VerificationError);
        assert.equal(err.code, v.expected);
        return true;
      });
    });
  }
}

test('a missing header (undefined) is missing_header', () => {
  assert.throws(() => verify('whsec_x', undefined, Buffer.alloc(0), 0), { code: codes.MISSING_HEADER });
});

test('the default clock rejects an old signature', () => {
  const v = vectors.find((x) => x.expected === 'ok');
  assert.throws(() => verify(v.secret, v.header, v.body), { code: codes.TIMESTAMP_TOO_OLD });
});
