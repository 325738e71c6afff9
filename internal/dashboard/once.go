package dashboard

import (
	"context"
	"net/http"
	"strings"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/idempotency"
)

// once runs a form's action at most once per form key (formKey, carried by the form as "key"), through the same
// idempotency records as the API's Idempotency-Key: a second submit of the form (a double click, a reload) gets the
// first one's stored result instead of acting again, and a submit while the first still runs is refused (409). hash
// binds the key to the form's values (formHash). act returns what a repeat needs to answer like the first: it is
// stored encrypted, as the API's responses are. A failed act frees the key for a corrected submit. A form without a
// dashboard key (a page from before keys) acts without the record.
//
// act runs with the claim in its context (gateway.WithClaim), so a refund bound to the key is resumed, not repeated,
// by a submit after a crash.
func (d *dashboard) once(r *http.Request, c *dctx, action, hash string, act func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	key := r.PostForm.Get("key")
	if !strings.HasPrefix(key, "dash_") || idempotency.ValidateKey(key) != nil {
		return act(r.Context())
	}
	sc := idempotency.Scope{MerchantID: c.auth.Merchant.ID, Livemode: c.auth.Livemode(), Route: "dashboard " + action, Key: key}
	rec, claim, err := d.gw.BeginIdempotent(r.Context(), sc, hash)
	if err != nil {
		return nil, err
	}
	if rec != nil {
		return rec.ResponseBody, nil
	}
	body, err := act(gateway.WithClaim(r.Context(), claim))
	status := http.StatusOK
	if err != nil {
		status = http.StatusInternalServerError // not remembered: the key is free again
	}
	if ferr := d.gw.FinishIdempotent(r.Context(), sc, status, body); ferr != nil && err == nil {
		return nil, ferr
	}
	return body, err
}
