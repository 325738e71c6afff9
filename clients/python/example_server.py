"""A minimal receiver. Run: KASSA_WEBHOOK_SECRET=whsec_... python3 example_server.py   (listens on :4000/webhooks)"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from kassa_webhook import VerificationError, verify

SECRET = os.environ.get("KASSA_WEBHOOK_SECRET")
PORT = int(os.environ.get("PORT", "4000"))
MAX_BODY = 1 << 20

# Deliveries are at least once: remember event ids (use a unique database column in production).
seen = set()
# Updates to one object may arrive out of order: keep the highest sequence applied per object.
last_sequence = {}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        if self.path != "/webhooks":
            self.send_response(404)
            self.end_headers()
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_response(413)
            self.end_headers()
            return
        raw_body = self.rfile.read(length)
        try:
            verify(SECRET, self.headers.get("Kassa-Signature"), raw_body)
        except VerificationError as err:
            print("rejected:", err.code, file=sys.stderr)
            self._reply(400, err.code)
            return
        event = json.loads(raw_body)
        if event["id"] in seen:
            self._reply(200, "")  # a repeat: already handled
            return
        seen.add(event["id"])
        object_id = (event.get("data") or {}).get("id")
        if object_id and last_sequence.get(object_id, -1) >= event["sequence"]:
            print(event["id"], event["type"], "stale update of", object_id, "ignored")
        else:
            if object_id:
                last_sequence[object_id] = event["sequence"]
            print(event["id"], event["type"], "sequence", event["sequence"])
        self._reply(200, "")

    def _reply(self, status, text):
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    if not SECRET:
        sys.exit("set KASSA_WEBHOOK_SECRET to the endpoint secret (whsec_...)")
    print("listening on http://localhost:%d/webhooks" % PORT)
    HTTPServer(("", PORT), Handler).serve_forever()
