package web_test

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/web"
	"github.com/kassapay/kassa/internal/webtest"
)

// TestBrowserEmbed drives the embeddable checkout as a merchant's site uses it: a shop page on one origin
// (http://127.0.0.1:…) loads the SDK with its integrity hash from Kassa on another (http://localhost:…), opens the
// modal, and the customer pays in the iframe by UPI and by card; the shop's onSuccess gets the payment id. A page
// on an origin the merchant did not allow cannot show the embed page in a frame, even when it claims an allowed
// origin, and a message forged by another origin does not reach the callbacks, whether it comes from another window
// or from the checkout's own iframe navigated to another origin. Chrome keeps site isolation on: the
// iframe is a separate target the test attaches to.
func TestBrowserEmbed(t *testing.T) {
	t.Parallel()
	browserCtx := webtest.StartBrowser(t)
	ctx, cancel := context.WithTimeout(browserCtx, 2*webtest.BrowserTimeout)
	defer cancel()

	e, br := webtest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	kassaURL := strings.Replace(e.HTTP.URL, "127.0.0.1", "localhost", 1)
	shop := httptest.NewServer(shopHandler(kassaURL, e.PublishableKey))
	defer shop.Close()
	evil := httptest.NewServer(shopHandler(kassaURL, e.PublishableKey))
	defer evil.Close()
	if r := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"checkout_allowed_origins":["` + shop.URL + `"]}`}); r.Status != 200 {
		t.Fatalf("allow the shop's origin: %d %s", r.Status, r.Body)
	}
	run := func(c context.Context, what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(c, a); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(c context.Context, css string) string {
		t.Helper()
		s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(css)))
		if err != nil {
			t.Fatalf("text of %s: %v", css, err)
		}
		return strings.TrimSpace(s)
	}
	// embedFrameAt attaches to the checkout's iframe (a cross-site iframe is its own target) once ready is visible.
	var embedFrameAt func(path, ready string) (context.Context, context.CancelFunc)
	// The iframe of an order's checkout; a closed modal's iframe target may linger, so the order's id is matched.
	embedFrame := func(order string) (context.Context, context.CancelFunc) {
		return embedFrameAt("/embed/order/"+order+"?", "#pay-upi")
	}
	embedFrameAt = func(path, ready string) (context.Context, context.CancelFunc) {
		t.Helper()
		for {
			infos, err := chromedp.Targets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, info := range infos {
				if info.Type == "iframe" && strings.HasPrefix(info.URL, kassaURL+path) {
					fc, fcancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
					if err := chromedp.Do(fc, chromedp.WaitVisible(chromedp.CSS(ready))); err != nil {
						fcancel()
						t.Fatalf("embed page: %v", err)
					}
					return fc, fcancel
				}
			}
			select {
			case <-ctx.Done():
				t.Fatalf("no checkout iframe appeared: %v", ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	// settle runs the order's payment job once the embed page has started a payment (the test is the worker).
	settle := func(order string) string {
		t.Helper()
		for {
			o := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders/" + order}).JSON(t)
			if id, ok := o["payment_id"].(string); ok {
				// Until the page's request has the provider's answer to its card authorization, the worker waits
				// (NotDueError), as River's job would snooze.
				var notDue *gateway.NotDueError
				if err := e.Gateway.ProcessOrderPayment(context.Background(), id); !errors.As(err, &notDue) {
					if err != nil {
						t.Fatal(err)
					}
					return id
				}
			}
			select {
			case <-ctx.Done():
				t.Fatalf("the embed page started no payment: %v", ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	tab := ctx // the browser's first tab

	// UPI: the waiting state, then onSuccess with the payment id.
	order := newOrderID(t, e, 49900)
	run(tab, "open the shop", chromedp.Navigate(shop.URL+"/?order="+order))
	run(tab, "SDK loaded", chromedp.WaitVisible(chromedp.CSS("#pay[data-ready]")))
	run(tab, "open checkout", chromedp.Click(chromedp.CSS("#pay")))
	frame, cancelFrame := embedFrame(order)
	if got := text(frame, ".amount"); got != "₹499.00" && got != "INR 499.00" && !strings.Contains(got, "499.00") {
		t.Errorf("embed shows %q", got)
	}
	run(frame, "type VPA", chromedp.SendKeys(chromedp.ID("vpa"), "success@kassa"))
	run(frame, "pay by UPI", chromedp.Click(chromedp.ID("pay-upi")))
	run(frame, "waiting state", chromedp.WaitVisible(chromedp.ID("waiting")))
	payID := settle(order)
	run(tab, "onSuccess", chromedp.WaitVisible(chromedp.CSS("#success")))
	if got := text(tab, "#success"); got != payID {
		t.Errorf("onSuccess got %q, want %s", got, payID)
	}
	if got := text(frame, "#done-heading"); got != "Paid" {
		t.Errorf("embed page after success: %q", got)
	}
	cancelFrame()
	// Escape closes the modal and onClose fires. The key goes to the shop's page: focus moves there first, as after a
	// customer's click outside the frame (a key sent while the frame that the test just detached from holds the focus
	// could wait for that frame's acknowledgement).
	run(tab, "focus the shop page", chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur(); window.focus()`))
	run(tab, "Escape", chromedp.KeyEvent(kb.Escape))
	run(tab, "onClose", chromedp.WaitVisible(chromedp.CSS("#closed")))
	if n, err := chromedp.Run(tab, chromedp.Evaluate[int]("document.querySelectorAll('[data-kassa-checkout]').length")); err != nil || n != 0 {
		t.Errorf("modal still open after Escape: %d %v", n, err)
	}

	// Card: a declined card calls onFailure; the customer tries another card in the same modal.
	order = newOrderID(t, e, 12500)
	run(tab, "open the shop", chromedp.Navigate(shop.URL+"/?order="+order))
	run(tab, "SDK loaded", chromedp.WaitVisible(chromedp.CSS("#pay[data-ready]")))
	run(tab, "open checkout", chromedp.Click(chromedp.CSS("#pay")))
	frame, cancelFrame = embedFrame(order)
	defer cancelFrame()
	year := kassatest.Start.Year()%100 + 2
	run(frame, "card tab", chromedp.Click(chromedp.ID("tab-card")))
	run(frame, "type card", chromedp.SendKeys(chromedp.ID("number"), "4000 0000 0000 0002"))
	run(frame, "type exp", chromedp.SendKeys(chromedp.ID("exp"), fmt.Sprintf("12/%02d", year)))
	run(frame, "type cvv", chromedp.SendKeys(chromedp.ID("cvv"), "123"))
	run(frame, "pay by card", chromedp.Click(chromedp.ID("pay-card")))
	declined := settle(order)
	run(tab, "onFailure", chromedp.WaitVisible(chromedp.CSS("#failure")))
	if got := text(tab, "#failure"); got != declined+" do_not_honor" {
		t.Errorf("onFailure got %q", got)
	}
	run(frame, "error shown", chromedp.WaitVisible(chromedp.ID("error")))
	run(frame, "clear number", chromedp.Evaluate[chromedp.Void](`document.getElementById("number").value = ""`))
	run(frame, "type card", chromedp.SendKeys(chromedp.ID("number"), "4242 4242 4242 4242"))
	run(frame, "pay again", chromedp.Click(chromedp.ID("pay-card")))
	for {
		o := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders/" + order}).JSON(t)
		if id, _ := o["payment_id"].(string); id != declined {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the second card attempt started no payment: %v", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	payID = settle(order)
	run(tab, "onSuccess", chromedp.WaitVisible(chromedp.CSS("#success")))
	if got := text(tab, "#success"); got != payID {
		t.Errorf("onSuccess got %q, want %s", got, payID)
	}
	// A checkout session, paid by card in the modal: onSuccess gets the session's payment.
	run(tab, "close", chromedp.Click(chromedp.CSS("[data-kassa-close]")))
	cs := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/checkout-sessions", Headers: map[string]string{"Idempotency-Key": "embed-cs-1"},
		Body: `{"external_order_id":"EMB-1","amount":2500,"currency":"USD","success_url":"` + shop.URL + `/ok","cancel_url":"` + shop.URL + `/cancel"}`})
	if cs.Status != 201 {
		t.Fatalf("create session: %d %s", cs.Status, cs.Body)
	}
	csID := cs.JSON(t)["id"].(string)
	run(tab, "open the shop", chromedp.Navigate(shop.URL+"/?session="+csID))
	run(tab, "SDK loaded", chromedp.WaitVisible(chromedp.CSS("#pay[data-ready]")))
	run(tab, "open checkout", chromedp.Click(chromedp.CSS("#pay")))
	sframe, cancelSFrame := embedFrameAt("/embed/session/"+csID+"?", "#pay-card")
	defer cancelSFrame()
	run(sframe, "type card", chromedp.SendKeys(chromedp.ID("number"), "4242 4242 4242 4242"))
	run(sframe, "type exp", chromedp.SendKeys(chromedp.ID("exp"), fmt.Sprintf("12/%02d", year)))
	run(sframe, "type cvv", chromedp.SendKeys(chromedp.ID("cvv"), "123"))
	run(sframe, "pay the session", chromedp.Click(chromedp.ID("pay-card")))
	run(tab, "onSuccess", chromedp.WaitVisible(chromedp.CSS("#success")))
	if got, want := text(tab, "#success"), e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/checkout-sessions/" + csID}).JSON(t)["payment_id"]; got != want {
		t.Errorf("session onSuccess got %q, want %v", got, want)
	}
	cancelSFrame()

	// Forged success messages are ignored. The shop page's own listener, added after the SDK's, marks each forged
	// message it sees (and whether it came from the checkout's iframe): both listeners run in the same dispatch of
	// the event, so once the mark is there the SDK has already decided on that message.
	run(tab, "close", chromedp.Click(chromedp.CSS("[data-kassa-close]")))
	order = newOrderID(t, e, 300)
	run(tab, "open the shop", chromedp.Navigate(shop.URL+"/?order="+order))
	run(tab, "SDK loaded", chromedp.WaitVisible(chromedp.CSS("#pay[data-ready]")))
	run(tab, "open checkout", chromedp.Click(chromedp.CSS("#pay")))
	frame2, cancelFrame2 := embedFrame(order)
	defer cancelFrame2()
	run(tab, "watch for forgeries", chromedp.Evaluate[chromedp.Void](`window.addEventListener("message", (ev) => {
		if (!ev.data || ev.data.payment_id !== "pay_forged") { return; }
		const f = document.querySelector("[data-kassa-checkout] iframe");
		const p = document.createElement("p");
		p.className = "forged";
		p.textContent = ev.origin + (f && ev.source === f.contentWindow ? " checkout-frame" : " other-window");
		document.body.appendChild(p);
		document.body.setAttribute("data-forged", String(document.querySelectorAll(".forged").length));
	})`))
	forgeries := func() []string {
		t.Helper()
		got, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".forged"), (p) => p.textContent)`))
		if err != nil {
			t.Fatalf("read the forgeries: %v", err)
		}
		return got
	}
	noSuccess := func(what string) {
		t.Helper()
		if n, err := chromedp.Run(tab, chromedp.Evaluate[int]("document.querySelectorAll('#success').length")); err != nil || n != 0 {
			t.Errorf("%s reached onSuccess (%d, %v)", what, n, err)
		}
	}
	// First forger: a page of another origin in another window (an iframe of the shop's page) posts a success to
	// its parent. The SDK's check of event.source rejects it.
	run(tab, "forge", chromedp.Evaluate[chromedp.Void](`(() => {
		const f = document.createElement("iframe");
		f.id = "forger";
		f.src = "`+evil.URL+`/forge";
		document.body.appendChild(f);
	})()`))
	run(tab, "forged message seen", chromedp.WaitVisible(chromedp.CSS(`body[data-forged="1"]`)))
	if got := forgeries(); len(got) != 1 || got[0] != evil.URL+" other-window" {
		t.Fatalf("forged messages seen by the shop: %q", got)
	}
	noSuccess("a message forged by another window")
	// The embed page itself, asked to post to the shop, proves the channel works after the forgery.
	run(frame2, "type VPA", chromedp.SendKeys(chromedp.ID("vpa"), "failure@kassa"))
	run(frame2, "pay by UPI", chromedp.Click(chromedp.ID("pay-upi")))
	settle(order)
	run(tab, "onFailure", chromedp.WaitVisible(chromedp.CSS("#failure")))
	noSuccess("a message forged by another window")
	cancelFrame2()
	// Second forger: the checkout's own iframe is navigated to a page of a third origin (neither the shop's nor
	// Kassa's), which posts a success to its parent. The message comes from the right window, the modal's iframe,
	// but from the wrong origin: only the SDK's check of event.origin rejects it.
	run(tab, "navigate the checkout frame away", chromedp.Evaluate[chromedp.Void](
		`document.querySelector("[data-kassa-checkout] iframe").src = "`+evil.URL+`/forge"`))
	run(tab, "second forged message seen", chromedp.WaitVisible(chromedp.CSS(`body[data-forged="2"]`)))
	if got := forgeries(); len(got) != 2 || got[1] != evil.URL+" checkout-frame" {
		t.Fatalf("forged messages seen by the shop: %q", got)
	}
	noSuccess("a message forged by another origin in the checkout's frame")

	// On a phone the modal fills the screen, and the × button closes it.
	phone, cancelPhone := chromedp.NewContext(ctx)
	defer cancelPhone()
	run(phone, "phone viewport", chromedp.EmulateViewport(375, 667, chromedp.EmulateMobile))
	order = newOrderID(t, e, 300)
	run(phone, "open the shop", chromedp.Navigate(shop.URL+"/?order="+order))
	run(phone, "SDK loaded", chromedp.WaitVisible(chromedp.CSS("#pay[data-ready]")))
	run(phone, "open checkout", chromedp.Click(chromedp.CSS("#pay")))
	run(phone, "modal", chromedp.WaitVisible(chromedp.CSS("[data-kassa-checkout] iframe")))
	size, err := chromedp.Run(phone, chromedp.Evaluate[[]int](`(() => { const r = document.querySelector("[data-kassa-checkout] iframe").getBoundingClientRect();
		return [Math.round(r.width), Math.round(r.height), window.innerWidth, window.innerHeight]; })()`))
	if err != nil || len(size) != 4 || size[0] != size[2] || size[1] != size[3] {
		t.Errorf("on a 375×667 phone the checkout frame is %v (width, height, viewport): %v", size, err)
	}
	run(phone, "close button", chromedp.Click(chromedp.CSS("[data-kassa-close]")))
	run(phone, "onClose", chromedp.WaitVisible(chromedp.CSS("#closed")))

	// An origin the merchant did not allow: the server refuses the embed page and no frame can show it.
	order = newOrderID(t, e, 300)
	resp, err := http.Get(kassaURL + "/embed/order/" + order + "?key=" + e.PublishableKey + "&origin=" + evil.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("embed for a foreign origin: %d %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	// The evil page frames the embed page claiming the shop's origin: the page allows only the shop as its
	// ancestor, so Chrome does not render it there.
	evilTab, cancelEvil := chromedp.NewContext(ctx)
	defer cancelEvil()
	run(evilTab, "evil page", chromedp.Navigate(evil.URL+"/frame?src="+
		strings.NewReplacer("&", "%26", "?", "%3F").Replace(kassaURL+"/embed/order/"+order+"?key="+e.PublishableKey+"&origin="+shop.URL)))
	run(evilTab, "frame loaded", chromedp.WaitVisible(chromedp.CSS("#framed[data-loaded]")))
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, info := range infos {
		if info.Type != "iframe" || !strings.HasPrefix(info.URL, kassaURL+"/embed/order/"+order) {
			continue
		}
		fc, fcancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
		n, err := chromedp.Run(fc, chromedp.Evaluate[int]("document.querySelectorAll('#embed').length"))
		fcancel()
		if err == nil && n > 0 {
			t.Errorf("the embed page rendered in a frame of %s", evil.URL)
		}
	}
	br.ScanForPANs()
}

func newOrderID(t *testing.T, e *kassatest.Env, amount int) string {
	t.Helper()
	r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/orders", Body: fmt.Sprintf(`{"amount":%d}`, amount)})
	if r.Status != 201 {
		t.Fatalf("create order: %d %s", r.Status, r.Body)
	}
	return r.JSON(t)["id"].(string)
}

// shopHandler is a merchant's site: a page with a Pay button that opens the checkout (its callbacks write #success,
// #failure, #closed), a page that frames any URL, and a page that forges a success message to its parent.
func shopHandler(kassaURL, pk string) http.Handler {
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head><body>`+body+`</body></html>`) //nolint:errcheck
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		target := `data-order="` + template.HTMLEscapeString(r.URL.Query().Get("order")) + `"`
		if s := r.URL.Query().Get("session"); s != "" {
			target = `data-session="` + template.HTMLEscapeString(s) + `"`
		}
		page(w, `<h1>Shop</h1><button id="pay" data-key="`+pk+`" `+target+`>Pay</button>`+
			`<script src="`+kassaURL+web.SDKPath+`" integrity="`+web.SDKIntegrity()+`" crossorigin="anonymous"></script>`+
			`<script src="/shop.js"></script>`)
	})
	mux.HandleFunc("GET /shop.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `(function () {
  const pay = document.getElementById("pay");
  const note = (id, text) => { const p = document.createElement("p"); p.id = id; p.textContent = text; document.body.appendChild(p); };
  pay.addEventListener("click", () => {
    new Kassa.Checkout({
      key: pay.dataset.key, order: pay.dataset.order, session: pay.dataset.session,
      onSuccess: (r) => note("success", r.payment_id),
      onFailure: (r) => note("failure", r.payment_id + " " + r.error.code),
      onClose: () => note("closed", "closed"),
    }).open();
  });
  if (window.Kassa && window.Kassa.Checkout) { pay.setAttribute("data-ready", ""); }
})();`) //nolint:errcheck
	})
	mux.HandleFunc("GET /frame", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<iframe id="framed" src="`+r.URL.Query().Get("src")+`"></iframe><script src="/frame.js"></script>`)
	})
	mux.HandleFunc("GET /frame.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `const f = document.getElementById("framed"); f.addEventListener("load", () => f.setAttribute("data-loaded", ""));`) //nolint:errcheck
	})
	mux.HandleFunc("GET /forge", func(w http.ResponseWriter, r *http.Request) {
		page(w, `<script src="/forge.js"></script>`)
	})
	mux.HandleFunc("GET /forge.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `window.parent.postMessage({type: "kassa:success", payment_id: "pay_forged", order_id: "order_forged"}, "*");`) //nolint:errcheck
	})
	return mux
}
