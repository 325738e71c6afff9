// The shop's page script: create the order on the shop's server, open Kassa's checkout, and show the order as paid
// once the shop's server got the signed webhook (onSuccess alone is only a hint from the browser).
(function () {
  "use strict";
  var buy = document.getElementById("buy");
  var status = document.getElementById("status");

  function waitForWebhook(orderID) {
    fetch("/orders/" + encodeURIComponent(orderID)).then(function (r) { return r.json(); }).then(function (o) {
      if (o.paid) { status.textContent = "Paid: payment " + o.payment_id + " confirmed by webhook. Thank you!"; return; }
      setTimeout(function () { waitForWebhook(orderID); }, 1000);
    });
  }

  buy.addEventListener("click", function () {
    buy.disabled = true;
    fetch("/orders", { method: "POST" }).then(function (r) { return r.json(); }).then(function (o) {
      new Kassa.Checkout({
        key: buy.getAttribute("data-key"),
        order: o.order_id,
        onSuccess: function (r) { status.textContent = "Payment " + r.payment_id + " received; confirming…"; waitForWebhook(r.order_id); },
        onFailure: function (r) { status.textContent = "Payment failed (" + r.error.description + "). You can try again."; },
        onClose: function () { buy.disabled = false; },
      }).open();
    }, function () { status.textContent = "Could not start the payment."; buy.disabled = false; });
  });
})();
