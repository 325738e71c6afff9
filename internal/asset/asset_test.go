package asset_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/asset"
)

func serve(s asset.Set, name, target string, header http.Header) (*httptest.ResponseRecorder, bool) {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	return rec, s.Serve(rec, req, name)
}

// TestVersionedURLsAreCachedForGood: a file's URL carries a hash of its content; a request for that version may be
// cached for a year, any other revalidates with the ETag (304), and a changed file gets another URL.
func TestVersionedURLsAreCachedForGood(t *testing.T) {
	t.Parallel()
	s := asset.MustLoad(fstest.MapFS{"static/app.css": {Data: []byte("body{}")}, "static/app.js": {Data: []byte("1")}}, "static")
	if diff := cmp.Diff([]string{"app.css", "app.js"}, s.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	url := s.URL("app.css")
	if !strings.HasPrefix(url, "/static/app.css?v=") {
		t.Fatalf("URL %q", url)
	}
	rec, ok := serve(s, "app.css", url, nil)
	if !ok || rec.Code != http.StatusOK || rec.Body.String() != "body{}" || rec.Header().Get("Content-Type") != "text/css; charset=utf-8" ||
		rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("current version: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	stale, _ := serve(s, "app.css", "/static/app.css?v=old", nil)
	if stale.Code != http.StatusOK || stale.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("another version: %d %v", stale.Code, stale.Header())
	}
	again, _ := serve(s, "app.css", "/static/app.css", http.Header{"If-None-Match": {rec.Header().Get("ETag")}})
	if again.Code != http.StatusNotModified {
		t.Errorf("revalidation with the ETag: %d", again.Code)
	}
	if _, ok := serve(s, "nope.css", "/static/nope.css", nil); ok {
		t.Error("an unknown file was served")
	}
	changed := asset.MustLoad(fstest.MapFS{"static/app.css": {Data: []byte("body{color:red}")}}, "static")
	if changed.URL("app.css") == url {
		t.Errorf("a changed file keeps the URL %s", url)
	}
}
