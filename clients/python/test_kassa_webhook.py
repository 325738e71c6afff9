"""Run: python3 -m unittest discover -s clients/python"""

import json
import os
import unittest

import kassa_webhook
from kassa_webhook import VerificationError, verify

_VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "vectors.json")

_CODES = {
    cls.code: cls
    for cls in (
        kassa_webhook.MissingHeader,
        kassa_webhook.MalformedHeader,
        kassa_webhook.TimestampTooOld,
        kassa_webhook.TimestampInFuture,
        kassa_webhook.NoMatchingSignature,
    )
}


class SharedVectorsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(_VECTORS, encoding="utf-8") as f:
            cls.vectors = json.load(f)["vectors"]

    def test_vectors_not_empty(self):
        self.assertTrue(self.vectors)

    def test_vectors(self):
        for v in self.vectors:
            for body in (v["body"].encode("utf-8"), v["body"]):
                with self.subTest(name=v["name"], body_type=type(body).__name__):
                    if v["expected"] == "ok":
                        verify(v["secret"], v["header"], body, now=v["now"])
                        continue
                    self.assertIn(v["expected"], _CODES)
                    with self.assertRaises(_CODES[v["expected"]]) as ctx:
                        verify(v["secret"], v["header"], body, now=v["now"])
                    self.assertIsInstance(ctx.exception, VerificationError)
                    self.assertEqual(ctx.exception.code, v["expected"])

    def test_missing_header_none(self):
        with self.assertRaises(kassa_webhook.MissingHeader):
            verify("whsec_x", None, b"", now=0)

    def test_default_clock_rejects_old_signature(self):
        v = next(x for x in self.vectors if x["expected"] == "ok")
        with self.assertRaises(kassa_webhook.TimestampTooOld):
            verify(v["secret"], v["header"], v["body"].encode("utf-8"))


if __name__ == "__main__":
    unittest.main()
