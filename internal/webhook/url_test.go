package webhook

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateEndpointURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		url      string
		livemode bool
		wantErr  string // "" means valid
	}{
		{"https live", "https://shop.example/webhooks/kassa?x=1", true, ""},
		{"https with port", "https://shop.example:8443/hook", true, ""},
		{"http in test mode", "http://localhost:4000/webhooks", false, ""},
		{"IP literal in test mode", "http://127.0.0.1:4000/", false, ""},
		{"http in live mode", "http://shop.example/hook", true, "live mode requires https"},
		{"empty", "", false, "empty"},
		{"relative", "/webhooks", false, "must be absolute"},
		{"no scheme", "shop.example/hook", false, "must be absolute"},
		{"other scheme", "ftp://shop.example/hook", false, `scheme must be https or http, not "ftp"`},
		{"javascript", "javascript:alert(1)", false, "scheme must be https or http"},
		{"opaque", "https:shop.example", false, "no host"},
		{"no host", "https:///hook", false, "no host"},
		{"port only", "https://:443/hook", false, "no host"},
		{"credentials", "https://user:pass@shop.example/hook", false, "credentials"},
		{"user only", "https://user@shop.example/hook", false, "credentials"},
		{"fragment", "https://shop.example/hook#x", false, "fragment"},
		{"empty fragment", "https://shop.example/hook#", false, "fragment"},
		{"space", "https://shop.example/a hook", false, "whitespace"},
		{"newline", "https://shop.example/hook\n", false, "whitespace or a control character"},
		{"port out of range", "https://shop.example:70000/hook", false, "out of range"},
		{"port zero", "https://shop.example:0/hook", false, "out of range"},
		{"bad escape", "https://shop.example/%zz", false, "does not parse"},
		{"too long", "https://shop.example/" + strings.Repeat("a", 2048), false, "limit is 2048"},
		{"exactly 2048 bytes", "https://shop.example/" + strings.Repeat("a", 2048-len("https://shop.example/")), true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateEndpointURL(tc.url, tc.livemode)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateEndpointURL(%q) = %v; want nil", tc.url, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidEndpointURL) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ValidateEndpointURL(%q) = %v; want ErrInvalidEndpointURL naming %q", tc.url, err, tc.wantErr)
			}
		})
	}
}
