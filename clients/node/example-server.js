'use strict';
// A minimal receiver. Run: KASSA_WEBHOOK_SECRET=whsec_... node example-server.js   (listens on :4000/webhooks)
const http = require('node:http');
const { verify, VerificationError } = require('./kassa-webhook.js');

const secret = process.env.KASSA_WEBHOOK_SECRET;
if (!secret) {
  console.error('set KASSA_WEBHOOK_SECRET to the endpoint secret (whsec_...)');
  process.exit(1);
}
const port = Number(process.env.PORT || 4000);
const MAX_BODY = 1 << 20;

// Deliveries are at least once: remember event ids (use a unique database column in production).
const seen = new Set();
// Updates to one object may arrive out of order: keep the highest sequence applied per object.
const lastSequence = new Map();

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhooks') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) {
      res.writeHead(413).end();
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    const rawBody = Buffer.concat(chunks);
    try {
      verify(secret, req.headers['kassa-signature'], rawBody);
    } catch (err) {
      if (!(err instanceof VerificationError)) throw err;
      console.log(`rejected: ${err.code}`);
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end(err.code);
      return;
    }
    const event = JSON.parse(rawBody.toString('utf8'));
    if (seen.has(event.id)) {
      res.writeHead(200).end(); // a repeat: already handled
      return;
    }
    seen.add(event.id);
    const objectId = event.data && event.data.id;
    if (objectId && (lastSequence.get(objectId) ?? -1) >= event.sequence) {
      console.log(`${event.id} ${event.type}: stale update of ${objectId}, ignored`);
    } else {
      if (objectId) lastSequence.set(objectId, event.sequence);
      console.log(`${event.id} ${event.type} sequence ${event.sequence}`);
    }
    res.writeHead(200).end();
  });
});

server.listen(port, () => console.log(`listening on http://localhost:${port}/webhooks`));
