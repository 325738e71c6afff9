package dashboard

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/money"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// listLimit is the number of rows of a dashboard list page.
const listLimit = 25

// statsDays is the longest period the overview sums.
const statsDays = 30

// overviewData is the overview page.
type overviewData struct {
	Windows  []statWindow
	Chart    chart
	Recent   []payment.Payment
	Failing  []webhook.Endpoint
	Currency string
}

// statWindow sums one period (today, 7 days, 30 days) in the chart's currency; Others notes other currencies.
type statWindow struct {
	Label       string
	Volume      string
	Count       int64
	SuccessRate string
	Refunds     string
	Others      []string
}

// chart is the server-rendered SVG of daily volume and outcomes.
type chart struct {
	Width, Height int
	Bars          []bar
	MaxLabel      string
}

// bar is one day of the chart.
type bar struct {
	X, W               int
	VolumeY, VolumeH   int
	SucceededY, SuccH  int
	FailedY, FailedH   int
	Label, Title       string
	ShowLabel          bool
	Succeeded, Failed  int64
	Volume             string
	VolumeMinor        int64
	OutcomeTotalHeight int
}

// succeeded reports whether a payment status counts as a success (money was authorized or captured).
func succeeded(s payment.Status) bool {
	switch s {
	case payment.StatusAuthorized, payment.StatusCaptured, payment.StatusPartiallyRefunded, payment.StatusRefunded:
		return true
	}
	return false
}

func (d *dashboard) overview(w http.ResponseWriter, r *http.Request, c *dctx) {
	c.view.Title, c.view.Nav = "Overview", "overview"
	if !c.hasMerchant {
		c.view.Data = overviewData{}
		d.render(w, r, http.StatusOK, "overview.html", c.view)
		return
	}
	ctx := r.Context()
	loc := c.view.loc
	now := d.gw.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	bounds := make([]time.Time, 0, statsDays+1)
	for i := statsDays - 1; i >= -1; i-- {
		bounds = append(bounds, time.Date(today.Year(), today.Month(), today.Day()-i, 0, 0, 0, 0, loc))
	}
	days, err := d.gw.PaymentStats(ctx, c.auth, bounds)
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	// The chart's currency is the one with the most successful volume in 30 days (USD when there is none).
	volumeBy := map[string]int64{}
	for _, day := range days {
		for _, s := range day {
			if succeeded(s.Status) {
				volumeBy[s.Currency] += s.Amount
			}
		}
	}
	cur := "USD"
	for k, v := range volumeBy {
		if v > volumeBy[cur] || (v == volumeBy[cur] && k < cur && volumeBy[cur] != 0) {
			cur = k
		}
	}
	data := overviewData{Currency: cur}
	for _, win := range []struct {
		label string
		days  int
	}{{"Today", 1}, {"7 days", 7}, {"30 days", 30}} {
		sw := statWindow{Label: win.label}
		var vol, ok, failed int64
		others := map[string]int64{}
		for _, day := range days[len(days)-win.days:] {
			for _, s := range day {
				sw.Count += s.Count
				switch {
				case succeeded(s.Status):
					ok += s.Count
					if s.Currency == cur {
						vol += s.Amount
					} else {
						others[s.Currency] += s.Amount
					}
				case s.Status == payment.StatusFailed:
					failed += s.Count
				}
			}
		}
		sw.Volume = money.Format(vol, money.Currency(cur))
		for _, k := range sortedKeys(others) {
			sw.Others = append(sw.Others, money.Format(others[k], money.Currency(k)))
		}
		sw.SuccessRate = "–"
		if ok+failed > 0 {
			sw.SuccessRate = strconv.FormatFloat(float64(ok)*100/float64(ok+failed), 'f', 1, 64) + " %"
		}
		refunds, err := d.gw.RefundStats(ctx, c.auth, bounds[len(bounds)-1-win.days], bounds[len(bounds)-1])
		if err != nil {
			d.failedIn(w, r, c, err)
			return
		}
		var parts []string
		for _, rs := range refunds {
			parts = append(parts, money.Format(rs.Amount, money.Currency(rs.Currency))+" ("+strconv.FormatInt(rs.Count, 10)+")")
		}
		sw.Refunds = strings.Join(parts, ", ")
		if sw.Refunds == "" {
			sw.Refunds = "none"
		}
		data.Windows = append(data.Windows, sw)
	}
	data.Chart = buildChart(days, bounds, cur)
	if data.Recent, _, err = d.gw.ListPayments(ctx, c.auth, store.PaymentFilter{Page: store.Page{Limit: 10}}); err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	eps, err := d.gw.ListEndpoints(ctx, c.auth)
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	for _, ep := range eps {
		if ep.FailingSince != nil || ep.Status == webhook.EndpointStatusDisabled {
			data.Failing = append(data.Failing, ep)
		}
	}
	c.view.Data = data
	d.render(w, r, http.StatusOK, "overview.html", c.view)
}

// firstPage is the list's URL without its cursor, or "" on the first page.
func firstPage(u *url.URL, path string) string {
	q := u.Query()
	if q.Get("after") == "" {
		return ""
	}
	q.Del("after")
	q.Del("done")
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// buildChart lays out one bar pair per day: volume on top, successes and failures below.
func buildChart(days [][]store.PaymentStat, bounds []time.Time, cur string) chart {
	const width, plot, gap = 600, 90, 2
	ch := chart{Width: width, Height: 2*plot + 40}
	var maxVol, maxOutcome int64 = 1, 1
	type dayTotals struct{ vol, ok, failed int64 }
	totals := make([]dayTotals, len(days))
	for i, day := range days {
		for _, s := range day {
			switch {
			case succeeded(s.Status):
				totals[i].ok += s.Count
				if s.Currency == cur {
					totals[i].vol += s.Amount
				}
			case s.Status == payment.StatusFailed:
				totals[i].failed += s.Count
			}
		}
		maxVol = max(maxVol, totals[i].vol)
		maxOutcome = max(maxOutcome, totals[i].ok+totals[i].failed)
	}
	ch.MaxLabel = money.Format(maxVol, money.Currency(cur))
	step := width / max(len(days), 1)
	for i, t := range totals {
		b := bar{X: i * step, W: step - gap, Label: bounds[i].Format("Jan 2"), ShowLabel: i%7 == len(days)%7,
			Succeeded: t.ok, Failed: t.failed, Volume: money.Format(t.vol, money.Currency(cur)), VolumeMinor: t.vol}
		b.VolumeH = int(t.vol * plot / maxVol)
		b.VolumeY = plot - b.VolumeH
		b.SuccH = int(t.ok * plot / maxOutcome)
		b.FailedH = int(t.failed * plot / maxOutcome)
		b.SucceededY = 2*plot + 20 - b.SuccH
		b.FailedY = b.SucceededY - b.FailedH
		b.Title = bounds[i].Format("Mon Jan 2") + ": " + b.Volume + ", " + strconv.FormatInt(t.ok, 10) + " succeeded, " +
			strconv.FormatInt(t.failed, 10) + " failed"
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

// paymentsData is the payments list with its filters.
type paymentsData struct {
	Filter   paymentFilterForm
	Payments []payment.Payment
	Next     string
	// First leads back to the newest page when this one is further down.
	First    string
	Error    string
	Statuses []payment.Status
}

// paymentFilterForm echoes the filters as typed.
type paymentFilterForm struct {
	Status, Method, From, To, AmountMin, AmountMax, Order, Last4, Email string
	Active                                                              bool
}

var paymentStatuses = []payment.Status{
	payment.StatusPending, payment.StatusAuthorized, payment.StatusCaptured, payment.StatusPartiallyRefunded,
	payment.StatusRefunded, payment.StatusVoided, payment.StatusExpired, payment.StatusFailed,
}

func (d *dashboard) payments(w http.ResponseWriter, r *http.Request, c *dctx) {
	c.view.Title, c.view.Nav = "Payments", "payments"
	q := r.URL.Query()
	f := paymentFilterForm{
		Status: q.Get("status"), Method: q.Get("method"), From: q.Get("from"), To: q.Get("to"),
		AmountMin: q.Get("amount_min"), AmountMax: q.Get("amount_max"), Order: strings.TrimSpace(q.Get("order")),
		Last4: strings.TrimSpace(q.Get("last4")), Email: strings.TrimSpace(q.Get("email")),
	}
	data := paymentsData{Filter: f, Statuses: paymentStatuses}
	after, ok := cursor(q, "pay_")
	search := store.PaymentSearch{Status: f.Status, Method: f.Method, ExternalOrderID: f.Order, CardLast4: f.Last4,
		CustomerEmail: f.Email, Page: store.Page{Limit: listLimit, StartingAfter: after}}
	var problems []string
	if !ok {
		problems = append(problems, "The page cursor is not a payment id.")
	}
	if f.Status != "" && !slices.Contains(paymentStatuses, payment.Status(f.Status)) {
		problems = append(problems, "Unknown status.")
	}
	if f.Method != "" && f.Method != "card" && f.Method != "upi" && f.Method != "crypto" {
		problems = append(problems, "Unknown method.")
	}
	for _, a := range []struct {
		raw string
		to  *int64
		set *bool
	}{{f.AmountMin, &search.AmountGTE, new(bool)}, {f.AmountMax, &search.AmountLTE, &search.AmountLTESet}} {
		if a.raw == "" {
			continue
		}
		n, err := strconv.ParseInt(a.raw, 10, 64)
		if err != nil || n < 0 {
			problems = append(problems, "Amounts are whole numbers in minor units (cents).")
			continue
		}
		*a.to, *a.set = n, true
	}
	for _, t := range []struct {
		raw  string
		to   *time.Time
		next bool
	}{{f.From, &search.CreatedGTE, false}, {f.To, &search.CreatedLT, true}} {
		if t.raw == "" {
			continue
		}
		day, err := time.ParseInLocation("2006-01-02", t.raw, c.view.loc)
		if err != nil {
			problems = append(problems, "Dates are YYYY-MM-DD.")
			continue
		}
		if t.next { // "to" includes the whole day
			day = day.AddDate(0, 0, 1)
		}
		*t.to = day
	}
	if f.Last4 != "" && (len(f.Last4) != 4 || strings.Trim(f.Last4, "0123456789") != "") {
		problems = append(problems, "Card last 4 are four digits.")
	}
	data.Filter.Active = f != (paymentFilterForm{})
	if len(problems) > 0 {
		data.Error = strings.Join(problems, " ")
		c.view.Data = data
		d.render(w, r, http.StatusBadRequest, "payments.html", c.view)
		return
	}
	rows, more, err := d.gw.SearchPayments(r.Context(), c.auth, search)
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	data.Payments = rows
	data.First = firstPage(r.URL, "/dashboard/payments")
	if more && len(rows) > 0 {
		next := url.Values{}
		for k, v := range q {
			if k != "after" && k != "done" && len(v) > 0 && v[0] != "" {
				next.Set(k, v[0])
			}
		}
		next.Set("after", rows[len(rows)-1].ID)
		data.Next = "/dashboard/payments?" + next.Encode()
	}
	c.view.Data = data
	d.render(w, r, http.StatusOK, "payments.html", c.view)
}

// paymentData is the payment page.
type paymentData struct {
	gateway.PaymentTimeline
	Refundable int64
	// Capturable is set while the payment is authorized with no capture or void in flight.
	Capturable     bool
	CaptureDefault string
	ActionKey      string
	RefundDefault  string
	RefundError    string
	Exponent       int
}

func (d *dashboard) paymentDetail(w http.ResponseWriter, r *http.Request, c *dctx) {
	d.showPayment(w, r, c, http.StatusOK, "")
}

func (d *dashboard) showPayment(w http.ResponseWriter, r *http.Request, c *dctx, status int, refundError string) {
	t, err := d.gw.GetPaymentTimeline(r.Context(), c.auth, r.PathValue("id"))
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	p := t.Payment
	c.view.Title, c.view.Nav = "Payment "+p.ID, "payments"
	data := paymentData{PaymentTimeline: t, ActionKey: formKey(), RefundError: refundError,
		Exponent: money.Currency(p.Currency).Exponent()}
	if p.Status == payment.StatusCaptured || p.Status == payment.StatusPartiallyRefunded {
		data.Refundable = p.Amounts().Refundable()
		data.RefundDefault = money.Decimal(data.Refundable, money.Currency(p.Currency))
	}
	data.Capturable = p.Status == payment.StatusAuthorized && p.Operation == payment.OperationNone
	data.CaptureDefault = money.Decimal(p.Amount, money.Currency(p.Currency))
	c.view.Data = data
	d.render(w, r, status, "payment.html", c.view)
}
