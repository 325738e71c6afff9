package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kassapay/kassa/internal/api"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// The malformed-input sweep: every operation of /api/openapi.json, with a real object behind each path id, is sent
// malformed path ids, query parameters, header parameters and JSON bodies one at a time, each change on top of an
// otherwise valid request so that it gets as far into the handler as it can. Nothing a client sends may produce a
// 5xx, and every error must come in the documented shape with a documented code (docs/architecture.md §6).

// sweepBodies are valid bodies of every operation that takes one, by operation id; {collection} stands for the id
// of the seeded object of that collection. An operation with a body and no entry here fails the sweep, so a new
// route cannot skip it.
var sweepBodies = map[string]string{
	"create-public-order-payment":    `{"method":"upi","vpa":"asha@okbank","email":"asha@example.com"}`,
	"confirm-payment-intent":         `{"card":{"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvv":"123","cardholder_name":"Jane Doe"},"customer_email":"jane@example.com","scenario":"approve"}`,
	"create-blocklist-entry":         `{"kind":"email","value":"blocked@example.com","reason":"chargebacks"}`,
	"create-session":                 sessionBody,
	"create-payment-link":            sessionBody,
	"admin-resolve-customer":         `{"email":"sweep-shopper@example.com"}`,
	"create-customer":                `{"email":"jane@example.com","name":"Jane Doe","phone":"+15555550100","description":"VIP","metadata":{"tier":"gold"}}`,
	"update-merchant":                `{"name":"Acme Shop","email":"owner@acme.example","checkout_allowed_origins":["https://shop.example"],"sandbox_provider_page":true,"fraud":{"review_threshold":60,"decline_threshold":90}}`,
	"create-order":                   `{"amount":50000,"currency":"INR","receipt":"rcpt-1","notes":{"customer":"Asha"}}`,
	"create-payment-intent":          intentBody,
	"create-order-payment":           `{"order_id":"{orders}","method":"upi","vpa":"asha@okbank","email":"asha@example.com","client_ip":"203.0.113.7"}`,
	"authorize-payment":              cardBody("4242424242424242", 5000),
	"sale-payment":                   cardBody("4242424242424242", 5000),
	"capture-payment":                `{"amount":100}`,
	"refund-payment":                 `{"amount":100,"reason":"requested_by_customer","metadata":{"ticket":"T-1"}}`,
	"create-payment-refund":          `{"amount":100,"reason":"requested_by_customer","metadata":{"ticket":"T-1"}}`,
	"void-payment":                   `{"reason":"duplicate"}`,
	"create-refund":                  `{"payment_id":"{payments}","amount":100,"reason":"requested_by_customer","metadata":{"ticket":"T-1"}}`,
	"create-test-event":              `{"type":"test.ping"}`,
	"create-webhook-endpoint":        `{"url":"{receiver}","description":"orders","enabled_events":["payment.succeeded"]}`,
	"update-webhook-endpoint":        `{"url":"{receiver}","description":"orders","enabled_events":["*"],"status":"enabled"}`,
	"replay-webhook-endpoint":        `{"since":"2026-11-01T00:00:00Z","until":"2026-12-01T00:00:00Z","status":"failed"}`,
	"rotate-webhook-endpoint-secret": `{"grace_period_seconds":3600}`,
	"create-webhook-test-deliveries": `{"endpoint_ids":["{webhook-endpoints}"],"type":"payment.succeeded"}`,
	"create-payment-profile":         `{"connector":"stripe","name":"Stripe","methods":["card"],"currencies":["USD"],"credentials":{"secret_key":"sk_test_sweep1234","webhook_secret":"whsec_sweep"},"api_base_url":"http://127.0.0.1:9"}`,
	"update-payment-profile":         `{"name":"Stripe EU","currencies":["EUR"],"status":"enabled"}`,
	"put-routing-rules":              `{"rules":[{"methods":["card"],"currencies":["EUR"],"min_amount":1,"max_amount":100000,"card_brands":["visa"],"bin_prefixes":["4242"],"profiles":["{payment-profiles}","prof_sandbox"]}]}`,
}

// Malformed values, as they appear in a URL (percent-encoded) or in a JSON body (raw JSON text).
var (
	badPathValues = []string{
		"%ff%fe", "pay_%ff%fe", "%c0%af", "%ed%a0%80", "%f4%90%80%80", strings.Repeat("%ff", 500),
		"%00", "pay_%000000000000000000000", "%20", "%c3%a9", "%2F", "..", strings.Repeat("A", 4096),
	}
	badQueryValues = []string{
		"%ff%fe", "%c0%af", "%ed%a0%80", "%00", "a%00b", "%zz", "", "%20", strings.Repeat("a", 4096),
		"-1", "0", "99999999999999999999999", "1e400", "NaN", "true", "%5B%5D", "2026-13-45T25:61:61Z",
	}
	badHeaderValues = []string{"\xff\xfe", "k\xc0\xafk", "é-not-ascii", strings.Repeat("k", 300), "a b"}
	badJSONValues   = []string{
		"\"\xff\xfe\"", "\"a\xc0\xafb\"", `"a\u0000b"`, "\"a\x00b\"", `"\ud800"`, `"` + strings.Repeat("x", 70_000) + `"`,
		`""`, `"not a number"`, "1e400", "123456789012345678901234567890", "9223372036854775807",
		"-9223372036854775808", "-1", "0.5", "true", "[]", "{}", `[["nested"]]`, `{"k":{"k":"v"}}`, "null",
	}
	badBodies = []string{
		"\xff\xfe", "{\"a\xff\":1}", "{", "}", `{"a":1}}`, "null", "[]", `"text"`, "1e400", "{}", "\x00",
		"{\"x\":\"\x00\"}", "\xef\xbb\xbf{}", strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000),
		strings.Repeat(`{"a":`, 20_000) + "1" + strings.Repeat("}", 20_000),
	}
)

// TestNoMalformedRequestGetsA5xx is the malformed-input sweep over every route of the OpenAPI document.
func TestNoMalformedRequestGetsA5xx(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/openapi.json", NoKey: true})
		doc, err := openapi3.NewLoader().LoadFromData(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		errorBody := doc.Components.Schemas["ErrorBody"]
		if errorBody == nil || len(errorBody.Value.Properties) == 0 {
			t.Fatal("the document has no ErrorBody schema")
		}
		sw := &sweep{t: t, e: e, errorFields: errorBody.Value.Properties, byOp: map[string]int{}}
		operations := 0
		for _, path := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
			item := doc.Paths.Value(path)
			for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
				sw.operation(method, path, item.GetOperation(method))
				operations++
			}
		}
		if operations < 50 || sw.sent < 50*operations {
			t.Errorf("the sweep sent %d requests to %d operations; the document lost its routes", sw.sent, operations)
		}
		t.Logf("%d requests to %d operations", sw.sent, operations)
		sw.report()
	})
}

// sweep sends the requests of one backend's sweep and collects the answers that break the contract.
type sweep struct {
	t        *testing.T
	e        *kassatest.Env
	ids      map[string]string // seeded object id by collection ("payments"), and the intent's client secret
	sent     int
	failures []string
	byOp     map[string]int // failures by operation
	adminKey string         // made for the first admin route
	// errorFields are the documented fields of an error (the ErrorBody schema).
	errorFields openapi3.Schemas
}

// sweepRequest is one request of the sweep before it is sent.
type sweepRequest struct {
	method, path, query, body string
	headers                   map[string]string
	key                       string
	noKey                     bool
}

// operation sends every malformed variant of one operation, over objects of its own: an operation that pays,
// refunds, cancels or deletes its objects leaves the next one's as they were.
func (sw *sweep) operation(method, path string, op *openapi3.Operation) {
	secretKey, publishableKey := sw.e.SecretKey, sw.e.PublishableKey
	if op.OperationID == "update-merchant" {
		// A merchant of its own: the variants change its fraud thresholds, after which the payment routes would
		// only see declines.
		_, secretKey, publishableKey = sw.e.NewMerchant("Sweep Shop", "sweep@acme.example")
	}
	sw.ids = seedEveryCollection(sw.t, sw.e, secretKey, op.OperationID)
	defer deleteEndpoints(sw.t, sw.e, secretKey) // a merchant has at most 16
	var bodySchema *openapi3.Schema
	base := sweepRequest{method: method, headers: map[string]string{}, key: secretKey}
	switch {
	case hasSecurity(op, "adminKey"):
		if sw.adminKey == "" {
			_, k, err := sw.e.Gateway.CreateAdminKey(context.Background(), "input sweep")
			if err != nil {
				sw.t.Fatal(err)
			}
			sw.adminKey = k
		}
		base.key = sw.adminKey
	case hasSecurity(op, "publishableKey"):
		base.key = publishableKey
	case !hasSecurity(op, "secretKey"): // the intent routes take its client secret instead of a key
		base.key, base.noKey = "", true
	}
	if op.RequestBody != nil {
		raw, ok := sweepBodies[op.OperationID]
		if !ok {
			sw.t.Errorf("%s %s (%s) takes a body but sweepBodies has none for it", method, path, op.OperationID)
			return
		}
		base.body = sw.fill(raw)
		bodySchema = op.RequestBody.Value.Content.Get("application/json").Schema.Value
	}
	var pathParams, queryParams, headerParams []string
	for _, p := range op.Parameters {
		switch p.Value.In {
		case "path":
			pathParams = append(pathParams, p.Value.Name)
		case "query":
			queryParams = append(queryParams, p.Value.Name)
		case "header":
			headerParams = append(headerParams, p.Value.Name)
		}
	}
	if slices.Contains(headerParams, "X-Client-Secret") {
		base.headers["X-Client-Secret"] = sw.ids["client_secret"]
	}
	base.path = sw.fill(seedPath(op.OperationID, path))
	name := method + " " + path
	// The valid request itself succeeds, so each variant is one change away from a success (until the object's
	// state moves on: the first successful cancel makes every later variant a conflict).
	if resp := sw.do(base); resp.Status >= 300 {
		sw.t.Errorf("%s: the valid request answered %d %s", name, resp.Status, truncate(string(resp.Body), 300))
	}

	for _, param := range pathParams {
		for _, v := range append(slices.Clone(badPathValues), sw.wrongIDs(collectionOf(path))...) {
			r := base
			r.path = sw.fill(seedPath(op.OperationID, strings.Replace(path, "{"+param+"}", v, 1)))
			sw.send(name, r)
		}
	}
	for _, param := range queryParams {
		for _, v := range append(slices.Clone(badQueryValues), sw.wrongIDs("")...) {
			r := base
			r.query = param + "=" + v
			sw.send(name, r)
		}
		r := base
		r.query = param + "=a&" + param + "=b"
		sw.send(name, r)
	}
	for _, q := range []string{"%ff%fe=1", "%00=1", "x=%ff"} {
		r := base
		r.query = q
		sw.send(name, r)
	}
	for _, h := range headerParams {
		for _, v := range badHeaderValues {
			r := base
			r.headers = maps.Clone(base.headers)
			r.headers[h] = v
			sw.send(name, r)
		}
	}
	if bodySchema == nil {
		return
	}
	// Value by value over all fields, null last: a null amount refunds or captures the whole amount, after which
	// the rest of the requests would only meet conflicts.
	fields := fieldPaths(bodySchema, nil, 0)
	for _, v := range badJSONValues {
		for _, field := range fields {
			r := base
			r.body = withField(base.body, field, v)
			sw.send(name, r)
		}
	}
	// Whole bodies last: an empty one may refund or capture the whole amount, leaving conflicts to later requests.
	for _, body := range append(slices.Clone(badBodies), "", base.body+"garbage", base.body+base.body) {
		r := base
		r.body = body
		sw.send(name, r)
	}
}

// send sends one request and records a broken answer.
func (sw *sweep) send(name string, r sweepRequest) {
	sw.t.Helper()
	resp := sw.do(r)
	if problem := sw.contractBreach(resp); problem != "" {
		sw.byOp[name]++
		sw.failures = append(sw.failures, fmt.Sprintf("%s: %s %s body %s: %s\n\t%s", name, r.method, truncate(r.url(), 120),
			truncate(fmt.Sprintf("%q", r.body), 120), problem, truncate(string(resp.Body), 300)))
	}
}

// do sends one request, with a fresh idempotency key on every POST so that none is a replay.
func (sw *sweep) do(r sweepRequest) kassatest.Response {
	sw.t.Helper()
	sw.sent++
	headers := maps.Clone(r.headers)
	if _, set := headers["Idempotency-Key"]; !set && r.method == http.MethodPost {
		headers["Idempotency-Key"] = fmt.Sprintf("sweep-%08d", sw.sent)
	}
	return sw.e.Do(kassatest.Request{Method: r.method, Path: r.url(), Body: r.body, Key: r.key, NoKey: r.noKey, Headers: headers})
}

func (r sweepRequest) url() string {
	if r.query == "" {
		return r.path
	}
	return r.path + "?" + r.query
}

// report fails the test with the first broken answers and a count of them by operation.
func (sw *sweep) report() {
	for i, f := range sw.failures {
		if i == 30 {
			sw.t.Errorf("… and %d more", len(sw.failures)-i)
			break
		}
		sw.t.Error(f)
	}
	for _, op := range slices.Sorted(maps.Keys(sw.byOp)) {
		sw.t.Errorf("%s: %d broken answers", op, sw.byOp[op])
	}
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// errorTypes are the error types of docs/architecture.md §6.
var errorTypes = []string{"invalid_request_error", "authentication_error", "permission_error", "card_error",
	"idempotency_error", "rate_limit_error", "api_error"}

// contractBreach says what is wrong with an answer to a malformed request, or "" if nothing is.
func (sw *sweep) contractBreach(r kassatest.Response) string {
	if r.Status >= 500 {
		return fmt.Sprintf("status %d", r.Status)
	}
	if r.Status < 400 {
		return ""
	}
	var body struct {
		Error *struct {
			Type, Code, Message string
			RequestID           string `json:"request_id"`
		} `json:"error"`
	}
	var fields struct {
		Error map[string]json.RawMessage `json:"error"`
	}
	if json.Unmarshal(r.Body, &body) != nil || json.Unmarshal(r.Body, &fields) != nil || body.Error == nil {
		return fmt.Sprintf("status %d without the error shape", r.Status)
	}
	for k := range fields.Error {
		if _, ok := sw.errorFields[k]; !ok {
			return fmt.Sprintf("error field %q is not in the documented ErrorBody", k)
		}
	}
	er := body.Error
	switch {
	case !slices.Contains(errorTypes, er.Type):
		return fmt.Sprintf("error type %q is not one of docs/architecture.md §6's", er.Type)
	case !snakeCase.MatchString(er.Code):
		return fmt.Sprintf("error code %q is not snake_case", er.Code)
	case api.ErrorCodes[er.Code] != r.Status:
		return fmt.Sprintf("error code %s with status %d is not documented in ErrorCodes", er.Code, r.Status)
	case er.Message == "":
		return "error without a message"
	case er.RequestID != r.Header.Get("Request-Id") || !strings.HasPrefix(er.RequestID, "req_"):
		return fmt.Sprintf("error.request_id %q is not the Request-Id header %q", er.RequestID, r.Header.Get("Request-Id"))
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
		return "error with Content-Type " + r.Header.Get("Content-Type")
	}
	return ""
}

// hasSecurity reports whether the operation accepts the named security scheme.
func hasSecurity(op *openapi3.Operation, scheme string) bool {
	if op.Security == nil {
		return false
	}
	for _, req := range *op.Security {
		if _, ok := req[scheme]; ok {
			return true
		}
	}
	return false
}

// collectionOf is the path segment before a path's first {id}: "payments" for /api/v1/payments/{id}/void.
func collectionOf(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && i > 0 {
			return segs[i-1]
		}
	}
	return ""
}

// authorizedOnly are the operations whose path id is the seeded authorized payment rather than the captured one.
var authorizedOnly = map[string]bool{"capture-payment": true, "void-payment": true}

// seedPath puts the seeded object of its collection in place of a path's {id}.
func seedPath(operationID, path string) string {
	c := collectionOf(path)
	if authorizedOnly[operationID] {
		c = "authorized"
	}
	if strings.HasPrefix(path, "/api/admin/customers/") {
		c = "shoppers" // the admin API's customers are the instance's shoppers, not a merchant's
	}
	if c != "" {
		return strings.Replace(path, "{id}", "{"+c+"}", 1)
	}
	return path
}

// fill replaces every {collection} with the seeded object's id.
func (sw *sweep) fill(s string) string {
	for k, v := range sw.ids {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// wrongIDs are ids that name nothing in the collection: real ids of three other collections and, for a
// collection, a well-formed id of its kind that was never issued.
func (sw *sweep) wrongIDs(collection string) []string {
	var out []string
	for _, c := range slices.Sorted(maps.Keys(sw.ids)) {
		if c != collection && c != "client_secret" && c != "receiver" && c != "authorized" && len(out) < 3 {
			out = append(out, sw.ids[c])
		}
	}
	if own, ok := sw.ids[collection]; ok {
		prefix, _, _ := strings.Cut(own, "_")
		out = append(out, prefix+"_"+strings.Repeat("0", 22))
	}
	return out
}

// fieldPaths lists the body fields to spoil: every property, the properties of nested objects (two levels down),
// a key of free-form objects (metadata) and the first element of arrays.
func fieldPaths(s *openapi3.Schema, prefix []string, depth int) [][]string {
	var out [][]string
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		p := append(slices.Clone(prefix), name)
		out = append(out, p)
		child := s.Properties[name].Value
		if child == nil || depth >= 2 {
			continue
		}
		switch {
		case len(child.Properties) > 0:
			out = append(out, fieldPaths(child, p, depth+1)...)
		case child.AdditionalProperties.Has != nil || child.AdditionalProperties.Schema != nil || child.Type.Is("object"):
			out = append(out, append(slices.Clone(p), "k"))
		case child.Type.Includes("array"):
			out = append(out, append(slices.Clone(p), "[0]"))
		}
	}
	return out
}

// withField returns the JSON object body with the field at path set to the raw JSON text v. It writes JSON by hand
// so that v arrives byte for byte, invalid UTF-8 and all.
func withField(body string, path []string, v string) string {
	if len(path) == 0 {
		return v
	}
	if path[0] == "[0]" {
		return "[" + v + "]"
	}
	fields := map[string]string{}
	var raw map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &raw) == nil {
		for k, r := range raw {
			fields[k] = string(r)
		}
	}
	inner := fields[path[0]]
	if len(path) > 1 && (inner == "" || (inner[0] != '{' && path[1] != "[0]")) {
		inner = "{}"
	}
	fields[path[0]] = withField(inner, path[1:], v)
	var b strings.Builder
	b.WriteString("{")
	for i, k := range slices.Sorted(maps.Keys(fields)) {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q:%s", k, fields[k])
	}
	b.WriteString("}")
	return b.String()
}

// seedEveryCollection creates, as the merchant of the secret key, one object of every collection with a path id and
// returns their ids by collection ("payments" is a captured sale, "authorized" an authorization), the intent's
// client secret and a webhook receiver. The tag makes the seeding's idempotency keys unique.
func seedEveryCollection(t *testing.T, e *kassatest.Env, key, tag string) map[string]string {
	t.Helper()
	ids := map[string]string{"receiver": kassatest.NewReceiver(t).URL}
	create := func(path, body string) map[string]any {
		t.Helper()
		r := e.Do(kassatest.Request{Method: "POST", Path: path, Body: strings.ReplaceAll(body, "{receiver}", ids["receiver"]), Key: key,
			Headers: map[string]string{"Idempotency-Key": "seed-" + tag + strings.ReplaceAll(path, "/", "-")}})
		if r.Status != http.StatusOK && r.Status != http.StatusCreated {
			t.Fatalf("seeding %s: %d %s", path, r.Status, r.Body)
		}
		return r.JSON(t)
	}
	first := func(path string) string {
		t.Helper()
		data, _ := mustDo(t, e, kassatest.Request{Method: "GET", Path: path, Key: key}, 200)["data"].([]any)
		if len(data) == 0 {
			t.Fatalf("seeding: %s is empty", path)
		}
		return data[0].(map[string]any)["id"].(string)
	}
	ids["customers"] = create("/api/v1/customers", sweepBodies["create-customer"])["id"].(string)
	sh, err := e.Gateway.ResolveShopper(context.Background(), "sweep-shopper@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ids["shoppers"] = sh.ID
	ids["webhook-endpoints"] = create("/api/v1/webhook-endpoints", sweepBodies["create-webhook-endpoint"])["id"].(string)
	ids["checkout-sessions"] = create("/api/v1/checkout-sessions", sessionBody)["id"].(string)
	ids["payment-links"] = create("/api/v1/payment-links", sessionBody)["id"].(string)
	ids["payments"] = create("/api/v1/payments/sale", sweepBodies["sale-payment"])["id"].(string)
	ids["authorized"] = create("/api/v1/payments/authorize", sweepBodies["authorize-payment"])["id"].(string)
	ids["refunds"] = create("/api/v1/payments/"+ids["payments"]+"/refunds", sweepBodies["create-payment-refund"])["id"].(string)
	ids["transactions"] = first("/api/v1/transactions")
	intent := create("/api/v1/payment-intents", intentBody)
	ids["payment-intents"], ids["client_secret"] = intent["id"].(string), intent["client_secret"].(string)
	ids["orders"] = create("/api/v1/orders", sweepBodies["create-order"])["id"].(string)
	ids["blocklist"] = create("/api/v1/blocklist", sweepBodies["create-blocklist-entry"])["id"].(string)
	ids["webhook-deliveries"] = create("/api/v1/webhook-test-deliveries",
		`{"endpoint_ids":["`+ids["webhook-endpoints"]+`"]}`)["data"].([]any)[0].(map[string]any)["id"].(string)
	ids["events"] = first("/api/v1/events")
	ids["payment-profiles"] = create("/api/v1/payment-profiles", sweepBodies["create-payment-profile"])["id"].(string)
	return ids
}

// deleteEndpoints deletes every webhook endpoint of the merchant of the secret key.
func deleteEndpoints(t *testing.T, e *kassatest.Env, key string) {
	t.Helper()
	for _, ep := range mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints", Key: key}, 200)["data"].([]any) {
		id := ep.(map[string]any)["id"].(string)
		mustDo(t, e, kassatest.Request{Method: "DELETE", Path: "/api/v1/webhook-endpoints/" + id, Key: key}, 200)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
