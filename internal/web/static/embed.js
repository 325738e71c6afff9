// Kassa embedded checkout (/embed/order/{id}). It pays the order through the public API with the merchant's
// publishable key, polls the payment's status, and tells the page that opened it (the SDK, /js/v1/kassa.js) the
// outcome with postMessage, addressed to exactly the origin the server checked against the merchant's allowed
// origins (data-origin), never "*". Card data goes only to this origin's API.
(function () {
  "use strict";
  var root = document.getElementById("embed");
  if (!root) { return; }
  var order = root.getAttribute("data-order");
  var key = root.getAttribute("data-key");
  var parentOrigin = root.getAttribute("data-origin");
  var $ = function (id) { return document.getElementById(id); };
  var pollMs = 1000;

  function tell(msg) {
    if (window.parent !== window) { window.parent.postMessage(msg, parentOrigin); }
  }

  function request(method, path, body) {
    var headers = { "Authorization": "Bearer " + key };
    if (body) {
      headers["Content-Type"] = "application/json";
      headers["Idempotency-Key"] = "embed-" + Date.now() + "-" + Math.random().toString(36).slice(2);
    }
    return fetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: "omit" })
      .then(function (r) { return r.json().then(function (j) { return { status: r.status, body: j }; }); });
  }

  function show(which) {
    ["upi-form", "card-form", "waiting", "done"].forEach(function (id) { $(id).hidden = id !== which; });
    $("tab-upi").parentNode.hidden = which === "waiting" || which === "done";
  }

  function selectTab(method) {
    $("tab-upi").setAttribute("aria-selected", String(method === "upi"));
    $("tab-card").setAttribute("aria-selected", String(method === "card"));
    $("error").hidden = true;
    show(method + "-form");
  }

  function fail(message) {
    $("error").textContent = message;
    $("error").hidden = false;
  }

  function finish(st) {
    if (st.status === "captured") {
      $("done-heading").textContent = "Paid";
      $("done-text").textContent = "Payment " + st.id + " succeeded.";
      show("done");
      tell({ type: "kassa:success", payment_id: st.id, order_id: order });
      return;
    }
    tell({ type: "kassa:failure", payment_id: st.id, order_id: order,
      error: { code: st.error_code || "payment_failed", description: st.error_description || "The payment failed." } });
    selectTab(st.method === "card" ? "card" : "upi");
    fail("The payment failed" + (st.error_description ? ": " + st.error_description : ".") + " You can try again.");
  }

  function poll(id) {
    request("GET", "/api/public/payments/" + encodeURIComponent(id) + "/status").then(function (r) {
      if (r.status === 200 && r.body.status !== "pending") { finish(r.body); return; }
      setTimeout(function () { poll(id); }, pollMs);
    }, function () { setTimeout(function () { poll(id); }, pollMs); });
  }

  function pay(body, waitingText) {
    $("error").hidden = true;
    request("POST", "/api/public/orders/" + encodeURIComponent(order) + "/payments", body).then(function (r) {
      if (r.status !== 201) {
        fail((r.body && r.body.error && r.body.error.message) || "The payment could not be started.");
        return;
      }
      $("waiting-text").textContent = waitingText;
      show("waiting");
      poll(r.body.id);
    }, function () { fail("Kassa could not be reached. Check your connection and try again."); });
  }

  $("tab-upi").addEventListener("click", function () { selectTab("upi"); });
  $("tab-card").addEventListener("click", function () { selectTab("card"); });
  $("upi-form").addEventListener("submit", function (e) {
    e.preventDefault();
    pay({ method: "upi", vpa: $("vpa").value.trim() }, "Approve the request in your UPI app.");
  });
  $("card-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var exp = $("exp").value.replace(/\s/g, "").split("/");
    var card = { number: $("number").value, exp_month: parseInt(exp[0], 10) || 0, exp_year: parseInt(exp[1], 10) || 0,
      cvv: $("cvv").value.trim() };
    if ($("name").value.trim()) { card.name = $("name").value.trim(); }
    pay({ method: "card", card: card }, "Processing your card payment.");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { tell({ type: "kassa:close" }); }
  });
  tell({ type: "kassa:ready" });
})();
