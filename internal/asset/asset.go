// Package asset holds a front's static files (stylesheets, scripts), compiled in with embed.FS, and serves them
// under /static/ with a hash of their content in the URL: a page links to URL(name), which browsers may cache for
// good, and a changed file gets a new URL. The hosted pages (package web) and the dashboard each own their files.
package asset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"maps"
	"mime"
	"net/http"
	"path"
	"slices"
	"time"
)

// Prefix is the path every static file is served under.
const Prefix = "/static/"

// file is one static file.
type file struct {
	body        []byte
	contentType string
	version     string // a hash of the body: the ?v= of its URL and its ETag
}

// Set is the static files of one front, by name.
type Set struct {
	files map[string]file
}

// MustLoad reads every file below dir of fsys, named by its path below dir. The files are compiled in, so a failure
// is a build mistake: it panics.
func MustLoad(fsys fs.FS, dir string) Set {
	s := Set{files: map[string]file{}}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		s.files[p[len(dir)+1:]] = file{body: body, contentType: ct, version: hex.EncodeToString(sum[:6])}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return s
}

// Names lists the files of the set, sorted.
func (s Set) Names() []string { return slices.Sorted(maps.Keys(s.files)) }

// URL is the versioned URL of a file, /static/{name}?v={hash}.
func (s Set) URL(name string) string { return Prefix + name + "?v=" + s.files[name].version }

// Serve writes the named file and reports whether the set has it; the caller answers a missing file in its own
// format. A request naming the current version may keep the file for a year; any other is told to revalidate (the
// ETag makes that a 304).
func (s Set) Serve(w http.ResponseWriter, r *http.Request, name string) bool {
	f, ok := s.files[name]
	if !ok {
		return false
	}
	hdr := w.Header()
	hdr.Set("Content-Type", f.contentType)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	hdr.Set("ETag", `"`+f.version+`"`)
	if r.URL.Query().Get("v") == f.version {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	return true
}
