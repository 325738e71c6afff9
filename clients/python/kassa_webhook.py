"""Verify webhooks sent by a Kassa server. Standard library only; copy this file into your project.

    from kassa_webhook import verify, VerificationError
    verify(secret, headers.get("Kassa-Signature"), raw_body)  # raises a VerificationError subclass if invalid

Pass the raw request body (bytes, exactly as received): the signature covers those bytes, and decoding then
re-encoding the JSON does not reproduce them.
"""

import hashlib
import hmac
import re
import time

__all__ = [
    "verify",
    "VerificationError",
    "MissingHeader",
    "MalformedHeader",
    "TimestampTooOld",
    "TimestampInFuture",
    "NoMatchingSignature",
    "MAX_AGE_SECONDS",
    "MAX_FUTURE_SECONDS",
]

#: A signed timestamp older than this many seconds is rejected (a replay, or a delivery that waited too long).
MAX_AGE_SECONDS = 300
#: A signed timestamp further ahead than this many seconds is rejected (a wrong clock, or a forgery).
MAX_FUTURE_SECONDS = 60

_TIMESTAMP = re.compile(r"[0-9]{1,15}")


class VerificationError(Exception):
    """A webhook failed verification. ``code`` is shared with the Go and Node verifiers and vectors.json."""

    code = "verification_failed"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class MissingHeader(VerificationError):
    code = "missing_header"


class MalformedHeader(VerificationError):
    code = "malformed_header"


class TimestampTooOld(VerificationError):
    code = "timestamp_too_old"


class TimestampInFuture(VerificationError):
    code = "timestamp_in_future"


class NoMatchingSignature(VerificationError):
    code = "no_matching_signature"


def _parse_header(header):
    # Rules shared by all three verifiers: comma-separated key=value parts, spaces and tabs around a part ignored,
    # exactly one t of 1-15 ASCII digits, at least one v1; unknown keys ignored.
    t = None
    sigs = []
    for raw in header.split(","):
        part = raw.strip(" \t")
        key, eq, value = part.partition("=")
        if not eq:
            raise MalformedHeader("Kassa-Signature part %r is not key=value" % part[:32])
        if key == "t":
            if t is not None:
                raise MalformedHeader("Kassa-Signature has more than one t")
            if not _TIMESTAMP.fullmatch(value):
                raise MalformedHeader("Kassa-Signature t is not a unix time in seconds")
            t = value
        elif key == "v1":
            sigs.append(value)
    if t is None:
        raise MalformedHeader("Kassa-Signature has no t")
    if not sigs:
        raise MalformedHeader("Kassa-Signature has no v1")
    return t, sigs


def verify(secret, header, raw_body, now=None):
    """Verify a Kassa-Signature header ("t=<unix>,v1=<hex HMAC-SHA256>[,v1=...]") against the raw body.

    The HMAC is keyed by the whole secret string ("whsec_...") over "<t>.<body>"; any one matching v1 is enough
    (during a secret rotation Kassa signs with both secrets). The signature is checked before the time window:
    at most 5 minutes old, at most 1 minute in the future.

    :param secret: the endpoint secret, "whsec_..."
    :param header: the Kassa-Signature header value (None if absent)
    :param raw_body: the request body exactly as received (bytes; a str is encoded as UTF-8)
    :param now: the current unix time in seconds (default: the system clock)
    :raises VerificationError: one of its subclasses; ``err.code`` names the failure
    """
    if header is None or header.strip(" \t") == "":
        raise MissingHeader("the Kassa-Signature header is missing or empty")
    t, sigs = _parse_header(header.strip(" \t"))

    if isinstance(raw_body, str):
        raw_body = raw_body.encode("utf-8")
    want = hmac.new(secret.encode("utf-8"), t.encode("ascii") + b"." + bytes(raw_body), hashlib.sha256)
    want = want.hexdigest().encode("ascii")
    matched = False
    for sig in sigs:
        # compare_digest on bytes: constant time, and safe for non-ASCII input (str would raise TypeError).
        if hmac.compare_digest(sig.encode("utf-8"), want):
            matched = True
    if not matched:
        raise NoMatchingSignature("no v1 signature matches the body and secret")

    ts = int(t)
    now = int(time.time()) if now is None else int(now)
    if now - ts > MAX_AGE_SECONDS:
        raise TimestampTooOld("signed at %d, now %d: more than 5 minutes old" % (ts, now))
    if ts - now > MAX_FUTURE_SECONDS:
        raise TimestampInFuture("signed at %d, now %d: more than 1 minute ahead" % (ts, now))
