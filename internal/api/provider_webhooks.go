package api

import "net/http"

// providerWebhook is POST /providers/{id}/webhooks: a processor's webhook delivery for a payment profile. It takes
// no API key (the processor signs the delivery with the profile's signing secret, which the connector checks) and
// answers 200 once the event is recorded, so the processor stops redelivering it; 400 for a delivery that does not
// verify, 404 for an unknown profile. Not part of the merchant API: a profile shows its URL (webhook_url) to register
// at the processor.
func (s *Server) providerWebhook(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
	body, err := readBody(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.gw.ReceiveProviderWebhook(r.Context(), r.PathValue("id"), body, r.Header.Get); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"received": true})
}
