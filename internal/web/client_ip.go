package web

import (
	"net"
	"net/http"
)

// clientIP is the customer's address, for the fraud rules' velocity counts.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
