package web

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pages are the parsed templates, one set per page so that each can define its own "content".
type pages map[string]*template.Template

// Page templates.
const (
	pageCheckout = "checkout.html" // the card form
	pagePending  = "pending.html"  // the provider has not answered yet
	pageFinal    = "final.html"    // paid, refunded, canceled, expired, locked
	pageError    = "error.html"    // not found, refused, failed
)

func mustParsePages() pages {
	ps := pages{}
	for _, name := range []string{pageCheckout, pagePending, pageFinal, pageError} {
		ps[name] = template.Must(template.New(name).ParseFS(templateFiles, "templates/layout.html", "templates/"+name))
	}
	return ps
}

// render writes a page with the hosted headers. Templates execute into a buffer first, so a failure mid-way
// becomes a clean error page instead of half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	v.Assets = h.pageAssets()
	h.brand(r, v)
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		h.log.ErrorContext(r.Context(), "hosted page: template failed", "page", name, "err", err)
		h.errorPage(w, r, http.StatusInternalServerError, errorFailed)
		return
	}
	hostedHeaders(w.Header(), v.policy)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// assetURLs are the URLs of the stylesheet and script the hosted pages link to (asset.Set.URL).
type assetURLs struct {
	CSS, JS string
}

func (h *handler) pageAssets() assetURLs {
	return assetURLs{CSS: h.assets.URL("checkout.css"), JS: h.assets.URL("checkout.js")}
}

// static serves an embedded file (asset.Set.Serve); an unknown one is the hosted pages' 404.
func (h *handler) static(w http.ResponseWriter, r *http.Request) {
	if !h.assets.Serve(w, r, r.PathValue("file")) {
		h.errorPage(w, r, http.StatusNotFound, errorNotFound)
	}
}
