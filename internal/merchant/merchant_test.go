package merchant

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kassapay/kassa/internal/field"
)

func TestNormalizeOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: "https://Shop.Example.com", want: "https://shop.example.com"},
		{in: "https://shop.example.com/", want: "https://shop.example.com"},
		{in: "HTTPS://shop.example.com:443", want: "https://shop.example.com"},
		{in: "http://localhost:80", want: "http://localhost"},
		{in: "http://localhost:3000", want: "http://localhost:3000"},
		{in: "  https://a.example  ", want: "https://a.example"},
		{in: "https://[::1]:8443", want: "https://[::1]:8443"},
		{in: "https://[::1]", want: "https://[::1]"},
		{in: "https://shop.example.com/checkout", wantErr: true},
		{in: "https://shop.example.com?x=1", wantErr: true},
		{in: "https://shop.example.com#top", wantErr: true},
		{in: "https://user:pw@shop.example.com", wantErr: true},
		{in: "ftp://shop.example.com", wantErr: true},
		{in: "javascript:alert(1)", wantErr: true},
		{in: "shop.example.com", wantErr: true},
		{in: "https://", wantErr: true},
		{in: "https://shop.example.com:99999", wantErr: true},
		{in: "https://shop.example.com:0", wantErr: true},
		{in: "", wantErr: true},
		{in: "https://a.example:0443", want: "https://a.example"},
		{in: "http://a.example:080", want: "http://a.example"},
		{in: "https://a.example:08443", want: "https://a.example:8443"},
		{in: "https://xn--bcher-kva.example", want: "https://xn--bcher-kva.example"},
		{in: "https://bücher.example", wantErr: true},
		{in: "https://a.example.", wantErr: true},
		{in: "https://[fe80::1%25eth0]", wantErr: true},
		{in: "https://a..example", wantErr: true},
	}
	for _, tt := range tests {
		got, err := NormalizeOrigin(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrInvalidOrigin) {
				t.Errorf("NormalizeOrigin(%q) = %q, %v; want ErrInvalidOrigin", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeOrigin(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeOriginsNamesTheBadEntry(t *testing.T) {
	t.Parallel()
	_, err := NormalizeOrigins([]string{"https://a.example", "https://b.example", "not an origin"})
	var fe *field.Error
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want *field.Error", err)
	}
	if diff := cmp.Diff("checkout_allowed_origins[2]", fe.Field); diff != "" {
		t.Errorf("field (-want +got):\n%s", diff)
	}
	if fe.Value != "not an origin" {
		t.Errorf("value = %q", fe.Value)
	}
	got, err := NormalizeOrigins([]string{"https://A.example", "https://a.example/", "http://localhost:3000"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"https://a.example", "http://localhost:3000"}, got); diff != "" {
		t.Errorf("deduplicated origins (-want +got):\n%s", diff)
	}
}

func TestNewKeyParsesBackAndHashes(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		kind     KeyKind
		livemode bool
		prefix   string
	}{
		{KeySecret, false, "sk_test_"}, {KeySecret, true, "sk_live_"},
		{KeyPublishable, false, "pk_test_"}, {KeyPublishable, true, "pk_live_"},
	} {
		k, plain, hash := NewKey("mer_x", tc.kind, tc.livemode, now)
		if !strings.HasPrefix(plain, tc.prefix) {
			t.Errorf("key %q lacks prefix %q", plain, tc.prefix)
		}
		kind, live, ok := ParseKey(plain)
		if !ok || kind != tc.kind || live != tc.livemode {
			t.Errorf("ParseKey(%q) = %v %v %v", plain, kind, live, ok)
		}
		if !HashesEqual(hash, HashKey(plain)) || HashesEqual(hash, HashKey(plain+"x")) {
			t.Errorf("hash does not identify the key")
		}
		if k.Hint != plain[len(plain)-4:] || strings.Contains(hash, plain) {
			t.Errorf("hint %q / hash leak", k.Hint)
		}
	}
	for _, bad := range []string{"", "sk_test_", "sk_test_short", "rk_test_" + strings.Repeat("a", 32), "sk_test_" + strings.Repeat("a", 31) + "!"} {
		if _, _, ok := ParseKey(bad); ok {
			t.Errorf("ParseKey(%q) ok, want malformed", bad)
		}
	}
}

func TestAPIKeyUsable(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	if !(APIKey{}).Usable(now) {
		t.Error("fresh key unusable")
	}
	if !(APIKey{ExpiresAt: &later}).Usable(now) {
		t.Error("key in grace period unusable")
	}
	if (APIKey{ExpiresAt: &now}).Usable(now) {
		t.Error("key usable at its expiry instant")
	}
	if (APIKey{RevokedAt: &now}).Usable(now) {
		t.Error("revoked key usable")
	}
}

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	h := HashPassword("correct horse")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=1,p=4$") {
		t.Fatalf("hash %q is not argon2id with the documented parameters", h)
	}
	if err := CheckPassword(h, "correct horse"); err != nil {
		t.Errorf("right password: %v", err)
	}
	if err := CheckPassword(h, "wrong"); !errors.Is(err, ErrPasswordMismatch) {
		t.Errorf("wrong password: %v", err)
	}
	if HashPassword("correct horse") == h {
		t.Error("two hashes of one password are equal: salt missing")
	}
}

func TestRateLimitsOrAndValidate(t *testing.T) {
	t.Parallel()
	got := RateLimits{ReadPerSecond: 500}.Or(RateLimits{WritePerSecond: 20, WritePerHour: 10000, ReadPerSecond: 100})
	if diff := cmp.Diff(RateLimits{WritePerSecond: 20, WritePerHour: 10000, ReadPerSecond: 500}, got); diff != "" {
		t.Errorf("Or (-want +got):\n%s", diff)
	}
	var fe *field.Error
	if err := (RateLimits{WritePerHour: -1}).Validate(); !errors.As(err, &fe) || fe.Field != "rate_limits.write_per_hour" {
		t.Errorf("Validate = %v", err)
	}
}
