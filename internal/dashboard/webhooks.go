package dashboard

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// endpointsData is the webhooks page: the endpoints and the form for a new one.
type endpointsData struct {
	Endpoints []webhook.Endpoint
	Form      endpointForm
	// Created and Secret show a new endpoint's secret, once.
	Created *webhook.Endpoint
	Secret  string
	// Key is the idempotency key of the new-endpoint form.
	Key string
}

// endpointForm is the endpoint form as typed.
type endpointForm struct {
	URL, Description string
	Events           []string
	Catalogue        []string
	Error            string
}

// eventChoices are the event types an endpoint can subscribe to: "*" and the catalogue.
func eventChoices() []string {
	out := []string{webhook.AllEvents}
	for _, t := range webhook.Catalogue() {
		out = append(out, string(t))
	}
	return out
}

func (d *dashboard) endpoints(w http.ResponseWriter, r *http.Request, c *dctx) {
	d.showEndpoints(w, r, c, http.StatusOK, endpointsData{Form: endpointForm{Events: []string{webhook.AllEvents}}})
}

func (d *dashboard) showEndpoints(w http.ResponseWriter, r *http.Request, c *dctx, status int, data endpointsData) {
	eps, err := d.gw.ListEndpoints(r.Context(), c.auth)
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	data.Endpoints, data.Form.Catalogue = eps, eventChoices()
	if data.Key == "" {
		data.Key = formKey()
	}
	c.view.Title, c.view.Nav, c.view.Data = "Webhooks", "webhooks", data
	d.render(w, r, status, "endpoints.html", c.view)
}

// createEndpoint registers an endpoint through the same use case as POST /api/v1/webhook-endpoints and shows its
// secret once.
func (d *dashboard) createEndpoint(w http.ResponseWriter, r *http.Request, c *dctx) {
	f := endpointForm{URL: strings.TrimSpace(r.PostForm.Get("url")), Description: strings.TrimSpace(r.PostForm.Get("description")),
		Events: r.PostForm["events"]}
	if len(f.Events) == 0 {
		f.Events = []string{webhook.AllEvents}
	}
	var created endpointCreated
	body, err := d.once(r, c, "create endpoint", formHash(append([]string{f.URL, f.Description}, f.Events...)...), func(ctx context.Context) ([]byte, error) {
		ep, secret, err := d.gw.CreateEndpoint(ctx, c.auth, gateway.EndpointInput{URL: &f.URL, Description: &f.Description, EnabledEvents: &f.Events})
		if err != nil {
			return nil, err
		}
		return json.Marshal(endpointCreated{ID: ep.ID, Secret: secret})
	})
	if err == nil {
		err = json.Unmarshal(body, &created)
	}
	var ep webhook.Endpoint
	if err == nil {
		ep, err = d.gw.GetEndpoint(r.Context(), c.auth, created.ID)
	}
	if err != nil {
		if f.Error = formError(err); f.Error == "" {
			d.failedIn(w, r, c, err)
			return
		}
		d.showEndpoints(w, r, c, gateway.StatusOf(err), endpointsData{Form: f})
		return
	}
	d.showEndpoints(w, r, c, http.StatusOK, endpointsData{Created: &ep, Secret: created.Secret, Form: endpointForm{Events: []string{webhook.AllEvents}}})
}

// endpointCreated is what a repeated "add endpoint" submit shows again: the endpoint and its secret.
type endpointCreated struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// endpointData is the page of one endpoint.
type endpointData struct {
	Endpoint    webhook.Endpoint
	Form        endpointForm
	Deliveries  []webhook.Delivery
	Secret      string
	TestTypes   []string
	ReplaySince string
	Error       string
	// Key is the idempotency key of the rotate form.
	Key string
}

func (d *dashboard) endpointDetail(w http.ResponseWriter, r *http.Request, c *dctx) {
	d.showEndpoint(w, r, c, http.StatusOK, endpointData{})
}

func (d *dashboard) showEndpoint(w http.ResponseWriter, r *http.Request, c *dctx, status int, data endpointData) {
	ep, err := d.gw.GetEndpoint(r.Context(), c.auth, r.PathValue("id"))
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	ds, _, err := d.gw.ListDeliveries(r.Context(), c.auth, store.DeliveryFilter{EndpointID: ep.ID, Page: store.Page{Limit: 10}})
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	data.Endpoint, data.Deliveries = ep, ds
	if data.Form.URL == "" {
		data.Form = endpointForm{URL: ep.URL, Description: ep.Description, Events: ep.EnabledEvents}
	}
	data.Form.Catalogue = eventChoices()
	data.TestTypes = data.Form.Catalogue[1:]
	data.Key = formKey()
	data.ReplaySince = d.gw.Now().In(c.view.loc).AddDate(0, 0, -3).Format("2006-01-02")
	c.view.Title, c.view.Nav, c.view.Data = "Endpoint "+ep.ID, "webhooks", data
	d.render(w, r, status, "endpoint.html", c.view)
}

func (d *dashboard) updateEndpoint(w http.ResponseWriter, r *http.Request, c *dctx) {
	f := endpointForm{URL: strings.TrimSpace(r.PostForm.Get("url")), Description: strings.TrimSpace(r.PostForm.Get("description")),
		Events: r.PostForm["events"]}
	if len(f.Events) == 0 {
		f.Events = []string{webhook.AllEvents}
	}
	_, err := d.gw.UpdateEndpoint(r.Context(), c.auth, r.PathValue("id"), gateway.EndpointInput{URL: &f.URL, Description: &f.Description, EnabledEvents: &f.Events})
	if err != nil {
		if f.Error = formError(err); f.Error == "" {
			d.failedIn(w, r, c, err)
			return
		}
		d.showEndpoint(w, r, c, gateway.StatusOf(err), endpointData{Form: f})
		return
	}
	redirect(w, r, "/dashboard/webhooks/"+r.PathValue("id"), "updated")
}

// setEndpointStatus disables (operators too) or enables an endpoint.
func (d *dashboard) setEndpointStatus(enable bool) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, c *dctx) {
		epID := r.PathValue("id")
		status, done := webhook.EndpointStatusDisabled, "disabled"
		if enable {
			status, done = webhook.EndpointStatusEnabled, "enabled"
		} else if !d.confirm(w, r, c, "Disable endpoint "+epID+"? It stops receiving events until it is enabled again.",
			"Disable", "/dashboard/webhooks/"+epID) {
			return
		}
		if _, err := d.gw.UpdateEndpoint(r.Context(), c.auth, epID, gateway.EndpointInput{Status: &status}); err != nil {
			d.failedIn(w, r, c, err)
			return
		}
		redirect(w, r, "/dashboard/webhooks/"+epID, done)
	}
}

// rotateSecret gives the endpoint a new secret, shown once; the old one signs along for the chosen grace period.
func (d *dashboard) rotateSecret(w http.ResponseWriter, r *http.Request, c *dctx) {
	epID := r.PathValue("id")
	hours, err := strconv.Atoi(r.PostForm.Get("grace_hours"))
	if err != nil {
		hours = 24
	}
	if !d.confirm(w, r, c, "Rotate the signing secret of "+epID+"? The current secret keeps signing for "+strconv.Itoa(hours)+" hours.",
		"Rotate secret", "/dashboard/webhooks/"+epID, "grace_hours", "key") {
		return
	}
	secret, err := d.once(r, c, "rotate secret", formHash(epID, strconv.Itoa(hours)), func(ctx context.Context) ([]byte, error) {
		_, secret, err := d.gw.RotateSecret(ctx, c.auth, epID, time.Duration(hours)*time.Hour)
		return []byte(secret), err
	})
	if err != nil {
		if msg := formError(err); msg != "" {
			d.showEndpoint(w, r, c, gateway.StatusOf(err), endpointData{Error: msg})
			return
		}
		d.failedIn(w, r, c, err)
		return
	}
	d.showEndpoint(w, r, c, http.StatusOK, endpointData{Secret: string(secret)})
}

// testDelivery queues a signed test event to this endpoint.
func (d *dashboard) testDelivery(w http.ResponseWriter, r *http.Request, c *dctx) {
	epID := r.PathValue("id")
	typ := r.PostForm.Get("type")
	if typ == string(webhook.EventTestPing) {
		typ = ""
	}
	if _, err := d.gw.SendTestDeliveries(r.Context(), c.auth, []string{epID}, typ); err != nil {
		if msg := formError(err); msg != "" {
			d.showEndpoint(w, r, c, gateway.StatusOf(err), endpointData{Error: msg})
			return
		}
		d.failedIn(w, r, c, err)
		return
	}
	redirect(w, r, "/dashboard/webhooks/"+epID, "test")
}

// replay queues again every failed delivery of the endpoint since a day.
func (d *dashboard) replay(w http.ResponseWriter, r *http.Request, c *dctx) {
	epID := r.PathValue("id")
	since, err := time.ParseInLocation("2006-01-02", r.PostForm.Get("since"), c.view.loc)
	if err != nil {
		d.showEndpoint(w, r, c, http.StatusBadRequest, endpointData{Error: "Enter the first day to replay as YYYY-MM-DD."})
		return
	}
	if !d.confirm(w, r, c, "Queue again every failed delivery to "+epID+" since "+since.Format("2006-01-02")+"?",
		"Replay failed deliveries", "/dashboard/webhooks/"+epID, "since") {
		return
	}
	if _, err := d.gw.ReplayEndpoint(r.Context(), c.auth, epID, since, time.Time{}, webhook.DeliveryFailed); err != nil {
		if msg := formError(err); msg != "" {
			d.showEndpoint(w, r, c, gateway.StatusOf(err), endpointData{Error: msg})
			return
		}
		d.failedIn(w, r, c, err)
		return
	}
	redirect(w, r, "/dashboard/webhooks/"+epID, "replayed")
}

// deliveriesData is the deliveries log with its filters.
type deliveriesData struct {
	Endpoint, Type, Status string
	Deliveries             []webhook.Delivery
	Endpoints              []webhook.Endpoint
	Types                  []string
	Statuses               []string
	Next, First            string
}

func (d *dashboard) deliveries(w http.ResponseWriter, r *http.Request, c *dctx) {
	q := r.URL.Query()
	data := deliveriesData{Endpoint: q.Get("endpoint"), Type: q.Get("type"), Status: q.Get("status"),
		Types: eventChoices()[1:], Statuses: []string{"pending", "retrying", "delivered", "failed"}}
	if data.Status != "" && !slices.Contains(data.Statuses, data.Status) {
		data.Status = ""
	}
	after, ok := cursor(q, "whd_")
	if !ok {
		d.message(w, r, c, http.StatusBadRequest, "Bad page cursor", "The page cursor is not a delivery id.")
		return
	}
	var err error
	if data.Endpoints, err = d.gw.ListEndpoints(r.Context(), c.auth); err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	rows, more, err := d.gw.ListDeliveries(r.Context(), c.auth, store.DeliveryFilter{EndpointID: data.Endpoint,
		EventType: data.Type, Status: data.Status, Page: store.Page{Limit: listLimit, StartingAfter: after}})
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	data.Deliveries = rows
	data.First = firstPage(r.URL, "/dashboard/deliveries")
	if more && len(rows) > 0 {
		next := url.Values{"after": {rows[len(rows)-1].ID}}
		for k, v := range map[string]string{"endpoint": data.Endpoint, "type": data.Type, "status": data.Status} {
			if v != "" {
				next.Set(k, v)
			}
		}
		data.Next = "/dashboard/deliveries?" + next.Encode()
	}
	c.view.Title, c.view.Nav, c.view.Data = "Webhook deliveries", "deliveries", data
	d.render(w, r, http.StatusOK, "deliveries.html", c.view)
}

// deliveryData is one delivery with its attempts and the request it sends.
type deliveryData struct {
	gateway.DeliveryDetail
	Endpoint webhook.Endpoint
	Headers  []pair
	Body     string
}

func (d *dashboard) deliveryDetail(w http.ResponseWriter, r *http.Request, c *dctx) {
	dd, err := d.gw.GetDelivery(r.Context(), c.auth, r.PathValue("id"))
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	ev, err := d.gw.GetEvent(r.Context(), c.auth, dd.EventID)
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	ep, err := d.gw.GetEndpoint(r.Context(), c.auth, dd.EndpointID)
	if err != nil && mustKindOr(err) != gateway.KindNotFound {
		d.failedIn(w, r, c, err)
		return
	}
	body, err := ev.Payload()
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	var pretty strings.Builder
	enc := json.NewEncoder(&pretty)
	enc.SetIndent("", "  ")
	var v any
	if json.Unmarshal(body, &v) == nil && enc.Encode(v) == nil {
		body = []byte(pretty.String())
	}
	data := deliveryData{DeliveryDetail: dd, Endpoint: ep, Body: string(body), Headers: []pair{
		{"Content-Type", "application/json"},
		{webhook.HeaderAPIVersion, ev.APIVersion},
		{"Kassa-Event-Id", ev.ID},
		{"webhook-id", ev.ID},
		{"Kassa-Signature", "t=<attempt time>,v1=<HMAC-SHA256 with the secret ending " + ep.SecretHint + ">"},
		{"webhook-signature", "v1,<HMAC-SHA256 with the same secret>"},
		{"User-Agent", "Kassa-Webhooks/1"},
	}}
	c.view.Title, c.view.Nav, c.view.Data = "Delivery "+dd.ID, "deliveries", data
	d.render(w, r, http.StatusOK, "delivery.html", c.view)
}

func mustKindOr(err error) gateway.Kind {
	if ge, ok := gateway.AsError(err); ok {
		return ge.Kind
	}
	return 0
}

// redeliver queues a delivery again (merchants and operators).
func (d *dashboard) redeliver(w http.ResponseWriter, r *http.Request, c *dctx) {
	if _, err := d.gw.RetryDelivery(r.Context(), c.auth, r.PathValue("id")); err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	redirect(w, r, "/dashboard/deliveries/"+r.PathValue("id"), "redelivery")
}
