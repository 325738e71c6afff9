package web

import (
	"fmt"
	"net/http"
	"strings"

	"rsc.io/qr"
)

// qrImage serves the QR code of a payment link's URL, as SVG (shown on the page) or PNG (for printing and
// messaging), so a customer can open the link on a phone.
func (h *handler) qrImage(format string) http.HandlerFunc {
	f := front{}
	for _, fr := range fronts {
		if fr.base == "/pay/" {
			f = fr
		}
	}
	return func(w http.ResponseWriter, r *http.Request) {
		s, _, err := h.load(r.Context(), f, r.PathValue("id"))
		if err != nil {
			h.failed(w, r, err)
			return
		}
		code, err := qr.Encode(h.gw.SessionURL(s), qr.M)
		if err != nil {
			h.log.ErrorContext(r.Context(), "encode payment link QR code", "err", err)
			h.errorPage(w, r, http.StatusInternalServerError, errorFailed)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if format == "png" {
			w.Header().Set("Content-Type", "image/png")
			w.Write(code.PNG()) //nolint:errcheck
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'none'")
		w.Write([]byte(qrSVG(code))) //nolint:errcheck
	}
}

// qrSVG draws a code as one path of unit squares with a four-module quiet zone.
func qrSVG(code *qr.Code) string {
	const quiet = 4
	n := code.Size + 2*quiet
	var path strings.Builder
	for y := range code.Size {
		for x := range code.Size {
			if code.Black(x, y) {
				fmt.Fprintf(&path, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`+
		`<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`, n, n, n, n, path.String())
}
