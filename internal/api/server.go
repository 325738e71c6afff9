// Package api is Kassa's HTTP front: the JSON merchant API (/api/v1), browser-safe endpoints (/api/public), health,
// metrics and the OpenAPI document. Handlers have one shape: parse → validate → call the gateway → render.
// Authentication, rate limits, idempotency, body limits, request ids, logging and metrics are applied once, around
// every route, by Server.ServeHTTP; errors are mapped to HTTP in one place (errors.go).
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/clientip"
	"github.com/kassapay/kassa/internal/dashboard"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/ratelimit"
	"github.com/kassapay/kassa/internal/web"
)

// APIVersion is the date-named version of the API contract, sent on events and endpoints.
const APIVersion = "2026-11-01"

// Options configure a Server.
type Options struct {
	Gateway *gateway.Gateway
	Logger  *slog.Logger
	// Registry receives the HTTP metrics; /metrics serves it. Default: a new registry.
	Registry *prometheus.Registry
	// Gatherer serves /metrics; default Registry.
	Gatherer prometheus.Gatherer
	// RateLimits are the instance defaults; merchants may override them.
	RateLimits RateLimits
	// MaxBodyBytes bounds request bodies (default 1 MiB).
	MaxBodyBytes int64
	// Version is the build version reported by /health and the OpenAPI document.
	Version string
	// QueueStatus reports the job queue's state for /health ("running", "stopped", "not_running_here").
	QueueStatus func() string
	// Now is the clock for rate limits and health; default time.Now.
	Now func() time.Time
	// JobKinds are the job kinds GET /api/v1/jobs/stats reports (jobs.Kinds()).
	JobKinds []string
	// ClientIP finds a request's client address (per-IP limits, fraud rules); the zero value trusts no proxy.
	ClientIP clientip.Resolver
}

// RateLimits are per-second and per-hour request budgets (docs/architecture.md §6).
type RateLimits struct {
	WritePerSecond  int
	WritePerHour    int
	ReadPerSecond   int
	PublicPerSecond int
}

// authPolicy says which credential a route needs.
type authPolicy int

const (
	authNone         authPolicy = iota // health, metrics, docs
	authSecret                         // /api/v1: a secret key
	authPublishable                    // /api/public: a publishable (or secret) key
	authClientSecret                   // /api/public payment intents: the intent's client secret, checked by the handler
	authAdmin                          // /api/admin: an admin key (kassa admin-key create)
)

// Server serves every HTTP route of Kassa.
type Server struct {
	opts    Options
	gw      *gateway.Gateway
	log     *slog.Logger
	mux     *http.ServeMux
	api     huma.API
	policy  map[string]authPolicy // by ServeMux pattern
	limiter *ratelimit.Limiter
	metrics *httpMetrics
}

// New builds the server and its route table.
func New(opts Options) *Server {
	installHumaHooks()
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	if opts.Gatherer == nil {
		opts.Gatherer = opts.Registry
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.QueueStatus == nil {
		opts.QueueStatus = func() string { return "not_running_here" }
	}
	s := &Server{
		opts:    opts,
		gw:      opts.Gateway,
		log:     opts.Logger,
		mux:     http.NewServeMux(),
		policy:  map[string]authPolicy{},
		limiter: ratelimit.New(100_000, opts.Now),
		metrics: newHTTPMetrics(opts.Registry),
	}
	cfg := huma.DefaultConfig("Kassa API", opts.Version)
	cfg.Info.Description = "Kassa is a self-hostable payment gateway. Authenticate with `Authorization: Bearer sk_test_…` " +
		"(or `X-API-Key`). Amounts are integers in the currency's minor unit. Errors share one shape: " +
		"`{\"error\": {type, code, message, param, request_id}}`. POST requests accept an `Idempotency-Key` header."
	cfg.OpenAPIPath = "/api/openapi"
	cfg.DocsPath = "" // served by our own page: no third-party scripts
	cfg.SchemasPath = ""
	cfg.CreateHooks = nil                   // no $schema links in response bodies
	cfg.RejectUnknownQueryParameters = true // a misspelt filter must not silently list everything
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"secretKey":      {Type: "http", Scheme: "bearer", Description: "A secret key, sk_test_… or sk_live_…"},
		"publishableKey": {Type: "http", Scheme: "bearer", Description: "A publishable key, pk_test_… or pk_live_…"},
		"adminKey":       {Type: "http", Scheme: "bearer", Description: "An admin key of the instance's operator, kadmin_… (kassa admin-key create)"},
	}
	s.api = humago.New(s.mux, cfg)
	s.routes()
	documentErrorCodes(s.api.OpenAPI())
	return s
}

// routes is the whole route table.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /health", s.health)
	s.mux.Handle("GET /metrics", s.metricsHandler())
	s.mux.HandleFunc("GET /docs", s.docs)
	s.mux.HandleFunc("POST /providers/{id}/webhooks", s.providerWebhook)
	web.Mount(s.mux, web.Options{Gateway: s.gw, Logger: s.log, ClientIP: s.opts.ClientIP})
	dashboard.Mount(s.mux, dashboard.Options{Gateway: s.gw, Logger: s.log})

	// One file per resource registers its routes.
	s.registerMerchant()
	s.registerCustomers()
	s.registerWebhooks()
	s.registerSessions(checkout.KindSession)
	s.registerSessions(checkout.KindLink)
	register(s, authPublishable, getPublicSessionOp, s.getPublicSession)
	s.registerPayments()
	s.registerTransactions()
	s.registerRefunds()
	s.registerIntents()
	s.registerFraud()
	s.registerEvents()
	s.registerOrders()
	s.registerJobs()
	s.registerPaymentProfiles()
	s.registerAdmin()
}

// register adds a huma operation and records the credential its route needs.
func register[I, O any](s *Server, policy authPolicy, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	switch policy {
	case authSecret:
		op.Security = []map[string][]string{{"secretKey": {}}}
	case authPublishable:
		op.Security = []map[string][]string{{"publishableKey": {}}, {"secretKey": {}}}
	case authClientSecret:
		op.Security = []map[string][]string{{}}
	case authAdmin:
		op.Security = []map[string][]string{{"adminKey": {}}}
	}
	op.MaxBodyBytes = s.opts.MaxBodyBytes
	if op.Method == http.MethodPost && policy != authClientSecret && policy != authAdmin {
		op.Parameters = append(op.Parameters, &huma.Param{
			Name: "Idempotency-Key", In: "header", Schema: &huma.Schema{Type: "string", MinLength: &one, MaxLength: &maxKeyLen},
			Description: "Makes retries safe: the same key and body within 24 h return the first response (Idempotent-Replayed: true); " +
				"another body gets 409 idempotency_key_reused (the IETF draft's 422 is not used); a key whose first request is still running " +
				"gets 409 idempotency_request_in_progress with Retry-After. Scope: merchant, mode, route and key.",
		})
	}
	s.policy[op.Method+" "+op.Path] = policy
	huma.Register(s.api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			return nil, s.handlerError(ctx, err)
		}
		return out, nil
	})
}

var one, maxKeyLen = 1, 255

// handlerError converts a use-case error into the response huma writes, logging internal ones.
func (s *Server) handlerError(ctx context.Context, err error) error {
	info := infoFrom(ctx)
	reqID := ""
	if info != nil {
		reqID = info.ID
	}
	resp, expected := toResponse(err, reqID)
	if !expected {
		s.log.ErrorContext(ctx, "request failed", "request_id", reqID, "err", err)
	}
	return resp
}

// OpenAPI returns the generated OpenAPI 3.1 document.
func (s *Server) OpenAPI() *huma.OpenAPI { return s.api.OpenAPI() }

// merchantOf returns the authenticated caller of the request.
func merchantOf(ctx context.Context) gateway.Auth {
	if info := infoFrom(ctx); info != nil && info.Auth != nil {
		return *info.Auth
	}
	return gateway.Auth{Merchant: merchant.Merchant{}}
}
