package kassawebhook_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
)

// A receiver: verify the raw body, dedupe on the event id, apply only newer sequences, answer 2xx fast.
func Example() {
	secret := os.Getenv("KASSA_WEBHOOK_SECRET")
	http.HandleFunc("POST /webhooks/kassa", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		if err := kassawebhook.Verify(secret, r.Header.Get(kassawebhook.HeaderSignature), body, time.Now()); err != nil {
			http.Error(w, "invalid signature", http.StatusBadRequest)
			return
		}
		event, err := kassawebhook.ParseEvent(body)
		if err != nil {
			http.Error(w, "not an event", http.StatusBadRequest)
			return
		}
		// Store event.ID in a unique column (a repeat is a no-op) and process it after answering.
		fmt.Println(event.Type, event.Sequence)
		w.WriteHeader(http.StatusNoContent)
	})
}
