package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
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
	v.Assets = h.assets.urls
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

// asset is one embedded static file.
type asset struct {
	body        []byte
	contentType string
	version     string // a hash of the body: the ?v= of its URL and its ETag
}

// assets are the static files by name, and the versioned URLs pages link to.
type assets struct {
	files map[string]asset
	urls  assetURLs
}

// assetURLs are the URLs of the stylesheet and script, with a content hash so that they can be cached for good.
type assetURLs struct {
	CSS, JS string
}

func mustLoadAssets() assets {
	a := assets{files: map[string]asset{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.files[p[len("static/"):]] = asset{body: body, contentType: ct, version: hex.EncodeToString(sum[:6])}
		return nil
	})
	if err != nil {
		panic(err)
	}
	url := func(name string) string { return "/static/" + name + "?v=" + a.files[name].version }
	a.urls = assetURLs{CSS: url("checkout.css"), JS: url("checkout.js")}
	return a
}

// static serves an embedded file. A request naming the current version may keep it for a year; any other is told
// to revalidate (the ETag makes that a 304).
func (h *handler) static(w http.ResponseWriter, r *http.Request) {
	a, ok := h.assets.files[r.PathValue("file")]
	if !ok {
		h.errorPage(w, r, http.StatusNotFound, errorNotFound)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	hdr.Set("ETag", `"`+a.version+`"`)
	if r.URL.Query().Get("v") == a.version {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
