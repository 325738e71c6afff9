// Kassa embedded checkout (/embed/order/{id} and /embed/session/{id}). For an order it pays through the public API
// with the merchant's publishable key (UPI or card) and polls the payment's status; for a checkout session it pays by
// card through /embed/session/{id}/pay, as the hosted page does. It tells the page that opened it (the SDK,
// /js/v1/kassa.js) the outcome with postMessage, addressed to exactly the origin the server checked against the
// merchant's allowed origins (data-origin), never "*". Card data goes only to this origin.
(function () {
  "use strict";
  var root = document.getElementById("embed");
  if (!root) { return; }
  var order = root.getAttribute("data-order");
  var session = root.getAttribute("data-session");
  var key = root.getAttribute("data-key");
  var parentOrigin = root.getAttribute("data-origin");
  var $ = function (id) { return document.getElementById(id); };
  var pollMs = 1000;
  var sections = ["upi-form", "card-form", "waiting", "done"].filter(function (id) { return $(id); });

  function tell(msg) {
    if (window.parent !== window) { window.parent.postMessage(msg, parentOrigin); }
  }

  function request(method, path, body, withKey) {
    var headers = {};
    if (withKey) { headers.Authorization = "Bearer " + key; }
    if (body) {
      headers["Content-Type"] = "application/json";
      if (withKey) { headers["Idempotency-Key"] = "embed-" + Date.now() + "-" + Math.random().toString(36).slice(2); }
    }
    return fetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: "omit" })
      .then(function (r) { return r.json().then(function (j) { return { status: r.status, body: j }; }); });
  }

  function show(which) {
    sections.forEach(function (id) { $(id).hidden = id !== which; });
    if ($("tab-upi")) { $("tab-upi").parentNode.hidden = which === "waiting" || which === "done"; }
  }

  function selectTab(method) {
    if ($("tab-upi")) {
      $("tab-upi").setAttribute("aria-selected", String(method === "upi"));
      $("tab-card").setAttribute("aria-selected", String(method === "card"));
    }
    $("error").hidden = true;
    show(method + "-form");
  }

  function fail(message) {
    $("error").textContent = message;
    $("error").hidden = false;
  }

  function succeeded(paymentID) {
    $("done-heading").textContent = "Paid";
    $("done-text").textContent = "Payment " + paymentID + " succeeded.";
    show("done");
    tell(session ? { type: "kassa:success", payment_id: paymentID, session_id: session }
      : { type: "kassa:success", payment_id: paymentID, order_id: order });
  }

  function failed(paymentID, code, description, method) {
    var msg = { type: "kassa:failure", payment_id: paymentID,
      error: { code: code || "payment_failed", description: description || "The payment failed." } };
    if (session) { msg.session_id = session; } else { msg.order_id = order; }
    tell(msg);
    selectTab(method);
    fail("The payment failed" + (description ? ": " + description : ".") + " You can try again.");
  }

  function pollPayment(id) {
    request("GET", "/api/public/payments/" + encodeURIComponent(id) + "/status", null, true).then(function (r) {
      if (r.status === 200 && r.body.status !== "pending") {
        if (r.body.status === "captured") { succeeded(r.body.id); } else {
          failed(r.body.id, r.body.error_code, r.body.error_description, r.body.method === "card" ? "card" : "upi");
        }
        return;
      }
      setTimeout(function () { pollPayment(id); }, pollMs);
    }, function () { setTimeout(function () { pollPayment(id); }, pollMs); });
  }

  function pollSession() {
    request("GET", "/api/public/checkout-sessions/" + encodeURIComponent(session), null, true).then(function (r) {
      if (r.status === 200 && r.body.status !== "pending") { sessionOutcome(r.body.status, r.body.payment_id); return; }
      setTimeout(pollSession, pollMs);
    }, function () { setTimeout(pollSession, pollMs); });
  }

  function sessionOutcome(status, paymentID, code, description) {
    if (status === "paid") { succeeded(paymentID); return; }
    if (status === "pending") {
      $("waiting-text").textContent = "Processing your card payment.";
      show("waiting");
      pollSession();
      return;
    }
    if (status === "failed") { failed(paymentID, code, description, "card"); return; }
    $("done-heading").textContent = "This checkout is " + status.replace(/_/g, " ");
    $("done-text").textContent = "";
    show("done");
  }

  function payOrder(body, waitingText) {
    $("error").hidden = true;
    request("POST", "/api/public/orders/" + encodeURIComponent(order) + "/payments", body, true).then(function (r) {
      if (r.status !== 201) {
        fail((r.body && r.body.error && r.body.error.message) || "The payment could not be started.");
        return;
      }
      $("waiting-text").textContent = waitingText;
      show("waiting");
      pollPayment(r.body.id);
    }, function () { fail("Kassa could not be reached. Check your connection and try again."); });
  }

  function paySession(card) {
    $("error").hidden = true;
    request("POST", "/embed/session/" + encodeURIComponent(session) + "/pay", card, false).then(function (r) {
      if (r.body && r.body.error) { fail(r.body.error.message); return; }
      sessionOutcome(r.body.status, r.body.payment_id, r.body.failure_code, r.body.failure_message);
    }, function () { fail("Kassa could not be reached. Check your connection and try again."); });
  }

  if ($("tab-upi")) {
    $("tab-upi").addEventListener("click", function () { selectTab("upi"); });
    $("tab-card").addEventListener("click", function () { selectTab("card"); });
    $("upi-form").addEventListener("submit", function (e) {
      e.preventDefault();
      payOrder({ method: "upi", vpa: $("vpa").value.trim() }, "Approve the request in your UPI app.");
    });
  }
  $("card-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var exp = $("exp").value.trim();
    var name = $("name").value.trim();
    if (session) {
      paySession({ number: $("number").value, exp: exp, cvv: $("cvv").value.trim(), name: name });
      return;
    }
    var parts = exp.replace(/\s/g, "").split("/");
    var card = { number: $("number").value, exp_month: parseInt(parts[0], 10) || 0, exp_year: parseInt(parts[1], 10) || 0,
      cvv: $("cvv").value.trim() };
    if (name) { card.name = name; }
    payOrder({ method: "card", card: card }, "Processing your card payment.");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { tell({ type: "kassa:close" }); }
  });
  var initial = session && root.getAttribute("data-status");
  if (initial === "pending") {
    sessionOutcome("pending");
  } else if (initial && initial !== "created" && initial !== "failed") {
    // Opened after the fact (paid, canceled, expired, refunded): say so, without reporting an outcome again.
    $("done-heading").textContent = "This checkout is " + initial.replace(/_/g, " ");
    $("done-text").textContent = "";
    show("done");
  }
  tell({ type: "kassa:ready" });
})();
