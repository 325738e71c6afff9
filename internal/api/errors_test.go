package api

import (
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
)

// TestEveryErrorKindHasTheTablesStatus: the JSON API answers each kind of gateway error with the status and type of
// the one table (gateway.Kind.Status and Type), as the hosted pages, the embed and the dashboard do; anything else is
// a 500 whose message says nothing of the cause.
func TestEveryErrorKindHasTheTablesStatus(t *testing.T) {
	for _, k := range gateway.Kinds() {
		resp, client := toResponse(&gateway.Error{Kind: k, Code: "some_code", Message: "m"}, "req_1")
		if resp.status != k.Status() || resp.Body.Type != k.Type() || resp.Body.Code != "some_code" || client != (k.Status() < 500) {
			t.Errorf("kind %d: %d %s (client %v), want %d %s", k, resp.status, resp.Body.Type, client, k.Status(), k.Type())
		}
	}
	resp, client := toResponse(errInternal{}, "req_2")
	if resp.status != 500 || resp.Body.Code != "internal_error" || client || resp.Body.RequestID != "req_2" {
		t.Errorf("an internal error: %d %+v", resp.status, resp.Body)
	}
}

type errInternal struct{}

func (errInternal) Error() string { return "database on fire" }
