package api

import (
	"net/http"
	"strings"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
)

// apiKeyFrom reads the key from "Authorization: Bearer …" or X-API-Key. Both present and different is an error
// rather than a guess.
func apiKeyFrom(r *http.Request) (string, error) {
	var bearer string
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return "", &gateway.Error{Kind: gateway.KindUnauthenticated, Code: "invalid_authorization_header",
				Message: "The Authorization header must be 'Bearer <api key>'."}
		}
		bearer = strings.TrimSpace(token)
	}
	header := strings.TrimSpace(r.Header.Get("X-API-Key"))
	if bearer != "" && header != "" && bearer != header {
		return "", &gateway.Error{Kind: gateway.KindUnauthenticated, Code: "conflicting_api_keys",
			Message: "The Authorization and X-API-Key headers carry different keys; send one."}
	}
	if bearer != "" {
		return bearer, nil
	}
	return header, nil
}

// authenticate resolves the caller for API routes and enforces the route's key kind.
func (s *Server) authenticate(r *http.Request, policy authPolicy, info *requestInfo) error {
	key, err := apiKeyFrom(r)
	if err != nil {
		return err
	}
	if key == "" {
		msg := "No API key provided. Send 'Authorization: Bearer sk_test_…' or the X-API-Key header."
		if policy == authPublishable {
			msg = "No API key provided. Send your publishable key as 'Authorization: Bearer pk_test_…'."
		}
		return &gateway.Error{Kind: gateway.KindUnauthenticated, Code: "missing_api_key", Message: msg}
	}
	a, err := s.gw.Authenticate(r.Context(), key)
	if err != nil {
		return err
	}
	if policy == authSecret && a.Key.Kind != merchant.KeySecret {
		return &gateway.Error{Kind: gateway.KindForbidden, Code: "secret_key_required",
			Message: "Publishable keys only work on /api/public endpoints; use a secret key (sk_…) from your server."}
	}
	info.Auth = &a
	return nil
}
