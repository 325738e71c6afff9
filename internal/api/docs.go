package api

import (
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// docs renders a human-readable API reference from the same OpenAPI document /api/openapi.json serves, on the
// server and without scripts or third-party assets, so it works offline and under a strict CSP.
func (s *Server) docs(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if err := docsPage.Execute(w, buildDocs(s.api.OpenAPI())); err != nil {
		s.log.ErrorContext(r.Context(), "render docs", "err", err)
	}
}

type docOperation struct {
	ID, Method, Path, Summary, Description, Auth string
	Params                                       []docField
	Body                                         []docField
	Responses                                    []string
}

type docField struct {
	Name, In, Type, Description string
	Required                    bool
}

type docTag struct {
	Name       string
	Operations []docOperation
}

type docsData struct {
	Title, Version, Description string
	Tags                        []docTag
}

func buildDocs(o *huma.OpenAPI) docsData {
	d := docsData{Title: o.Info.Title, Version: o.Info.Version, Description: o.Info.Description}
	byTag := map[string][]docOperation{}
	for path, item := range o.Paths {
		for method, op := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PATCH": item.Patch, "PUT": item.Put, "DELETE": item.Delete} {
			if op == nil {
				continue
			}
			do := docOperation{ID: op.OperationID, Method: method, Path: path, Summary: op.Summary, Description: op.Description, Auth: "none"}
			if len(op.Security) > 0 {
				var names []string
				for _, req := range op.Security {
					for name := range req {
						names = append(names, name)
					}
				}
				do.Auth = strings.Join(names, " or ")
			}
			for _, p := range op.Parameters {
				do.Params = append(do.Params, docField{Name: p.Name, In: p.In, Type: schemaType(o, p.Schema), Description: p.Description, Required: p.Required})
			}
			if op.RequestBody != nil {
				if mt := op.RequestBody.Content["application/json"]; mt != nil && mt.Schema != nil {
					do.Body = fields(o, mt.Schema)
				}
			}
			for code := range op.Responses {
				do.Responses = append(do.Responses, code)
			}
			slices.Sort(do.Responses)
			tag := "Other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			byTag[tag] = append(byTag[tag], do)
		}
	}
	for tag, ops := range byTag {
		slices.SortFunc(ops, func(a, b docOperation) int {
			return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method)
		})
		d.Tags = append(d.Tags, docTag{Name: tag, Operations: ops})
	}
	slices.SortFunc(d.Tags, func(a, b docTag) int { return strings.Compare(a.Name, b.Name) })
	return d
}

func resolve(o *huma.OpenAPI, s *huma.Schema) *huma.Schema {
	if s != nil && s.Ref != "" {
		return o.Components.Schemas.SchemaFromRef(s.Ref)
	}
	return s
}

func schemaType(o *huma.OpenAPI, s *huma.Schema) string {
	s = resolve(o, s)
	if s == nil {
		return ""
	}
	switch s.Type {
	case "array":
		return schemaType(o, s.Items) + "[]"
	case "":
		return "any"
	}
	t := s.Type
	if len(s.Enum) > 0 {
		var vals []string
		for _, v := range s.Enum {
			if str, ok := v.(string); ok {
				vals = append(vals, str)
			}
		}
		t += " (" + strings.Join(vals, ", ") + ")"
	}
	return t
}

func fields(o *huma.OpenAPI, s *huma.Schema) []docField {
	s = resolve(o, s)
	if s == nil {
		return nil
	}
	var out []docField
	for name, p := range s.Properties {
		if name == "$schema" {
			continue
		}
		out = append(out, docField{Name: name, Type: schemaType(o, p), Description: resolveDesc(o, p), Required: slices.Contains(s.Required, name)})
	}
	slices.SortFunc(out, func(a, b docField) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func resolveDesc(o *huma.OpenAPI, s *huma.Schema) string {
	if s == nil {
		return ""
	}
	if s.Description != "" {
		return s.Description
	}
	if r := resolve(o, s); r != nil {
		return r.Description
	}
	return ""
}

var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}
code,.path{font-family:ui-monospace,monospace}.op{border-top:1px solid #ddd;padding:.75rem 0}
.m{display:inline-block;min-width:4.5rem;font-weight:700}.GET{color:#0a6}.POST{color:#06c}.PATCH{color:#a60}.DELETE{color:#c33}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{text-align:left;padding:.2rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
nav a{margin-right:1rem}small{color:#555}
</style></head><body>
<h1>{{.Title}} <small>{{.Version}}</small></h1>
<p>{{.Description}}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
<nav>{{range .Tags}}<a href="#{{.Name}}">{{.Name}}</a>{{end}}</nav>
{{range .Tags}}<h2 id="{{.Name}}">{{.Name}}</h2>
{{range .Operations}}<section class="op" id="{{.ID}}">
<h3><span class="m {{.Method}}">{{.Method}}</span> <span class="path">{{.Path}}</span></h3>
<p><strong>{{.Summary}}</strong>{{if .Description}}. {{.Description}}{{end}}</p>
<p><small>Authentication: {{.Auth}} · Responses: {{range $i, $r := .Responses}}{{if $i}}, {{end}}{{$r}}{{end}}</small></p>
{{if .Params}}<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code>{{if .Required}} *{{end}}</td><td>{{.In}}</td><td>{{.Type}}</td><td>{{.Description}}</td></tr>{{end}}</table>{{end}}
{{if .Body}}<table><tr><th>Body field</th><th>Type</th><th>Description</th></tr>
{{range .Body}}<tr><td><code>{{.Name}}</code>{{if .Required}} *{{end}}</td><td>{{.Type}}</td><td>{{.Description}}</td></tr>{{end}}</table>{{end}}
</section>{{end}}{{end}}
</body></html>
`))
