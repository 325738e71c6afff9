package web

import (
	"log/slog"
	"net/http"
)

// DashboardPostRoutes returns the path pattern of every state-changing dashboard route, as mountDashboard
// registers them.
func DashboardPostRoutes() []string {
	return mountDashboard(http.NewServeMux(), nil, slog.New(slog.DiscardHandler), assets{})
}
