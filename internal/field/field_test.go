package field

import (
	"errors"
	"fmt"
	"testing"
)

func TestError(t *testing.T) {
	reason := errors.New("is out of range")
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{&Error{Field: "expires_in_seconds", Err: reason, Detail: "60 to 86400"}, "expires_in_seconds: is out of range (60 to 86400)"},
		{&Error{Field: "checkout_allowed_origins[1]", Value: "ftp://x", Err: reason}, `checkout_allowed_origins[1]: "ftp://x" is out of range`},
		{&Error{Field: "name", Err: reason}, "name: is out of range"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
		wrapped := fmt.Errorf("validating: %w", tc.err)
		var fe *Error
		if !errors.Is(wrapped, reason) || !errors.As(wrapped, &fe) || fe.Field != tc.err.Field {
			t.Errorf("%v: errors.Is/As do not see through it", tc.err)
		}
	}
}
