package gateway

import (
	"net/http"
	"testing"
)

// TestKindTableIsComplete: every error kind has a status below 500 but for the one that means a dependency is down,
// so no client-caused error is ever answered as the server's fault.
func TestKindTableIsComplete(t *testing.T) {
	kinds := Kinds()
	if len(kinds) != int(KindUnsupportedMedia) {
		t.Fatalf("the table has %d kinds, want every one from KindInvalid to KindUnsupportedMedia (%d)", len(kinds), KindUnsupportedMedia)
	}
	for _, k := range kinds {
		if st := k.Status(); st >= 500 && k != KindUnavailable || k.Type() == "" {
			t.Errorf("kind %d: %d %q", k, st, k.Type())
		}
	}
	if Kind(0).Status() != http.StatusInternalServerError || StatusOf(http.ErrBodyNotAllowed) != http.StatusInternalServerError {
		t.Error("an unknown kind or a plain error is not a 500")
	}
}
