package dashboard

import (
	"log/slog"
	"net/http"
)

// PostRoutes returns the path pattern of every state-changing dashboard route, as mount registers them.
func PostRoutes() []string {
	return mount(http.NewServeMux(), nil, slog.New(slog.DiscardHandler))
}
