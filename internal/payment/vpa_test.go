package payment

import (
	"strings"
	"testing"
)

func TestValidVPA(t *testing.T) {
	for vpa, want := range map[string]bool{
		"user@paytm": true, "john.doe@okhdfcbank": true, "user_123@phonepe": true, "a-b@x1": true, "success@kassa": true,
		"user @paytm": false, "@paytm": false, "user@@bank": false, "user@": false, "userpaytm": false, "user@bank.com": false,
		"user@bank_x": false, "us er@bank": false, "": false, "ünï@bank": false, "user@bank\n": false,
		strings.Repeat("a", 251) + "@bank": false, strings.Repeat("a", 250) + "@bank": true,
	} {
		if got := ValidVPA(vpa); got != want {
			t.Errorf("ValidVPA(%q) = %v, want %v", vpa, got, want)
		}
	}
}
