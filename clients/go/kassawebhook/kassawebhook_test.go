package kassawebhook

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"
)

type vectorFile struct {
	Vectors []struct {
		Name     string `json:"name"`
		Secret   string `json:"secret"`
		Header   string `json:"header"`
		Body     string `json:"body"`
		Now      int64  `json:"now"`
		Expected string `json:"expected"`
	} `json:"vectors"`
}

func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	data, err := os.ReadFile("../../testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f vectorFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	return f
}

func TestVerifySharedVectors(t *testing.T) {
	t.Parallel()
	sentinels := map[string]error{
		"missing_header":        ErrMissingHeader,
		"malformed_header":      ErrMalformedHeader,
		"timestamp_too_old":     ErrTimestampTooOld,
		"timestamp_in_future":   ErrTimestampInFuture,
		"no_matching_signature": ErrNoMatchingSignature,
	}
	for _, v := range loadVectors(t).Vectors {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			err := Verify(v.Secret, v.Header, []byte(v.Body), time.Unix(v.Now, 0))
			if v.Expected == "ok" {
				if err != nil {
					t.Fatalf("Verify = %v; want nil", err)
				}
				return
			}
			want, known := sentinels[v.Expected]
			if !known {
				t.Fatalf("vector expects unknown code %q", v.Expected)
			}
			var verr *Error
			if !errors.Is(err, want) || !errors.As(err, &verr) || verr.Code != v.Expected {
				t.Fatalf("Verify = %v; want %s", err, v.Expected)
			}
		})
	}
}

func TestErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	all := []error{ErrMissingHeader, ErrMalformedHeader, ErrTimestampTooOld, ErrTimestampInFuture, ErrNoMatchingSignature}
	for i, a := range all {
		for j, b := range all {
			if (i == j) != errors.Is(a, b) {
				t.Errorf("errors.Is(%v, %v) = %v", a, b, errors.Is(a, b))
			}
		}
	}
	wrapped := detail(ErrTimestampTooOld, "signed at 1")
	if !errors.Is(wrapped, ErrTimestampTooOld) || errors.Is(wrapped, ErrTimestampInFuture) {
		t.Fatalf("an error with detail lost its identity: %v", wrapped)
	}
}

func TestParseEvent(t *testing.T) {
	t.Parallel()
	body := `{"id":"evt_1","object":"event","api_version":"2026-01-01","type":"payment.succeeded",` +
		`"created_at":"2026-01-01T00:00:00Z","livemode":true,"merchant_id":"mer_1","sequence":4,"data":{"id":"pay_1"}}`
	e, err := ParseEvent([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != "evt_1" || e.Type != "payment.succeeded" || e.Sequence != 4 || !e.Livemode || e.MerchantID != "mer_1" ||
		!e.CreatedAt.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || string(e.Data) != `{"id":"pay_1"}` {
		t.Fatalf("ParseEvent = %+v", e)
	}
	for _, bad := range []string{``, `[]`, `{"id":"x"}`, `{"object":"payment","id":"pay_1","type":"x"}`} {
		if _, err := ParseEvent([]byte(bad)); err == nil {
			t.Errorf("ParseEvent(%q) accepted a non-event", bad)
		}
	}
}
