/*! Kassa checkout SDK v1. Usage:
 *   <script src="https://kassa.example/js/v1/kassa.js" integrity="sha384-…" crossorigin="anonymous"></script>
 *   new Kassa.Checkout({ key: "pk_test_…", order: "order_…", onSuccess, onFailure, onClose }).open();
 *   (or session: "cs_…" instead of order, for a checkout session paid by card)
 * It opens a modal with Kassa's payment page in an iframe and calls onSuccess({payment_id, order_id | session_id}),
 * onFailure({payment_id, order_id | session_id, error: {code, description}}) and onClose(). Messages are accepted
 * only from Kassa's origin (the origin this script was loaded from) and from the modal's own iframe. */
(function (global) {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var kassaOrigin = new URL(script.src).origin;

  function css(el, styles) {
    for (var k in styles) { if (Object.prototype.hasOwnProperty.call(styles, k)) { el.style.setProperty(k, styles[k]); } }
  }

  function Checkout(options) {
    options = options || {};
    if (typeof options.key !== "string" || !/^pk_(test|live)_/.test(options.key)) {
      throw new Error("Kassa.Checkout: key must be your publishable key (pk_test_… or pk_live_…)");
    }
    var order = typeof options.order === "string" && options.order.indexOf("order_") === 0;
    var session = typeof options.session === "string" && options.session.indexOf("cs_") === 0;
    if (order === session) {
      throw new Error("Kassa.Checkout: give either order (order_…) or session (cs_…)");
    }
    this.path = order ? "/embed/order/" + encodeURIComponent(options.order) : "/embed/session/" + encodeURIComponent(options.session);
    this.options = options;
    this.overlay = null;
  }

  Checkout.prototype.open = function () {
    if (this.overlay) { return; }
    var self = this, o = this.options;
    var small = global.matchMedia && global.matchMedia("(max-width: 600px)").matches;
    var overlay = document.createElement("div");
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", "Checkout");
    overlay.setAttribute("data-kassa-checkout", "");
    css(overlay, { position: "fixed", inset: "0", "z-index": "2147483000", display: "flex", "align-items": "center",
      "justify-content": "center", background: "rgba(0,0,0,.55)" });
    var box = document.createElement("div");
    css(box, { position: "relative", width: "100%", "max-width": small ? "none" : "30rem", height: small ? "100%" : "min(44rem, 94vh)",
      background: "#fff", "border-radius": small ? "0" : ".5rem", overflow: "hidden", "box-shadow": "0 1rem 3rem rgba(0,0,0,.3)" });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Close checkout");
    close.setAttribute("data-kassa-close", "");
    css(close, { position: "absolute", top: ".25rem", right: ".25rem", width: "2.75rem", height: "2.75rem", border: "0",
      background: "transparent", "font-size": "1.75rem", cursor: "pointer", "z-index": "1" });
    var frame = document.createElement("iframe");
    frame.title = "Checkout";
    frame.src = kassaOrigin + this.path + "?key=" + encodeURIComponent(o.key) +
      "&origin=" + encodeURIComponent(global.location.origin);
    css(frame, { width: "100%", height: "100%", border: "0", display: "block" });
    box.appendChild(close);
    box.appendChild(frame);
    overlay.appendChild(box);

    this.onMessage = function (event) {
      if (event.origin !== kassaOrigin || event.source !== frame.contentWindow) { return; }
      var d = event.data;
      if (!d || typeof d.type !== "string") { return; }
      if (d.type === "kassa:success" && typeof o.onSuccess === "function") {
        o.onSuccess(o.order ? { payment_id: d.payment_id, order_id: d.order_id } : { payment_id: d.payment_id, session_id: d.session_id });
      } else if (d.type === "kassa:failure" && typeof o.onFailure === "function") {
        o.onFailure(o.order ? { payment_id: d.payment_id, order_id: d.order_id, error: d.error }
          : { payment_id: d.payment_id, session_id: d.session_id, error: d.error });
      } else if (d.type === "kassa:close") {
        self.close();
      }
    };
    this.onKey = function (e) { if (e.key === "Escape") { self.close(); } };
    global.addEventListener("message", this.onMessage);
    document.addEventListener("keydown", this.onKey);
    close.addEventListener("click", function () { self.close(); });
    overlay.addEventListener("click", function (e) { if (e.target === overlay) { self.close(); } });
    document.body.appendChild(overlay);
    this.overlay = overlay;
    close.focus();
  };

  Checkout.prototype.close = function () {
    if (!this.overlay) { return; }
    global.removeEventListener("message", this.onMessage);
    document.removeEventListener("keydown", this.onKey);
    this.overlay.parentNode.removeChild(this.overlay);
    this.overlay = null;
    if (typeof this.options.onClose === "function") { this.options.onClose(); }
  };

  global.Kassa = global.Kassa || {};
  global.Kassa.Checkout = Checkout;
})(window);
