// Kassa hosted checkout: hints while the customer types (card brand, check digit, MM / YY). It never blocks, changes
// or sends anything: the form posts as it would without this file, and the server decides. Loaded from /static
// because the page's CSP allows no inline script; hints go into the aria-live elements the page already has.
(function () {
  "use strict";

  var number = document.getElementById("number");
  var exp = document.getElementById("exp");
  var cvv = document.getElementById("cvv");
  if (!number || !exp || !cvv) {
    return;
  }
  var numberHint = document.getElementById("number-hint");
  var expHint = document.getElementById("exp-hint");
  var cvvHint = document.getElementById("cvv-hint");
  var cvvDefault = cvvHint ? cvvHint.textContent : "";

  var brandNames = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover" };

  function digitsOf(s) {
    return s.replace(/[\s-]/g, "");
  }

  // brand follows the prefixes of the server's vault.DetectBrand for the brands it names; others stay unknown.
  function brand(d) {
    var p4 = d.length >= 4 ? parseInt(d.slice(0, 4), 10) : 0;
    var p6 = d.length >= 6 ? parseInt(d.slice(0, 6), 10) : 0;
    if (/^4/.test(d)) { return "visa"; }
    if (/^3[47]/.test(d)) { return "amex"; }
    if (/^5[1-5]/.test(d) || (p4 >= 2221 && p4 <= 2720)) { return "mastercard"; }
    if (p6 >= 652150 && p6 <= 653149) { return ""; } // RuPay, shown as unknown
    if (/^6011/.test(d) || /^64[4-9]/.test(d) || /^65/.test(d)) { return "discover"; }
    return "";
  }

  function luhn(d) {
    var sum = 0;
    var double = false;
    for (var i = d.length - 1; i >= 0; i--) {
      var n = d.charCodeAt(i) - 48;
      if (double) {
        n *= 2;
        if (n > 9) { n -= 9; }
      }
      sum += n;
      double = !double;
    }
    return sum % 10 === 0;
  }

  function say(el, text) {
    if (el && el.textContent !== text) {
      el.textContent = text;
    }
  }

  function numberHintFor(d, done) {
    if (d === "") { return ""; }
    if (/[^0-9]/.test(d)) { return "A card number has digits only."; }
    var b = brand(d);
    var name = b ? brandNames[b] : "";
    var full = b === "amex" ? 15 : 16;
    var problem = "";
    if (d.length > 19) {
      problem = "That is more digits than a card number has.";
    } else if ((d.length >= full || (done && d.length >= 13)) && !luhn(d)) {
      problem = "This number does not look right. Check the digits.";
    } else if (done && d.length < 13) {
      problem = "This number looks too short.";
    }
    return [name, problem].filter(Boolean).join(" · ");
  }

  function checkNumber(done) {
    var d = digitsOf(number.value);
    say(numberHint, numberHintFor(d, done));
    var amex = brand(d) === "amex";
    say(cvvHint, amex ? "4 digits on the front of the card." : cvvDefault);
  }

  function expHintFor(v, done) {
    v = v.trim();
    if (v === "") { return ""; }
    var m = /^(\d{1,2})\s*[\/-]?\s*(\d{2}|\d{4})$/.exec(v);
    if (!m) {
      return done ? "Use the format MM / YY, for example 04 / 29." : "";
    }
    var month = parseInt(m[1], 10);
    var year = parseInt(m[2], 10);
    if (m[1].length === 1 && m[2].length === 2 && !/[\/-]/.test(v)) {
      // "429" is ambiguous while typing; wait for the next digit or a slash.
      return done ? "Use the format MM / YY, for example 04 / 29." : "";
    }
    if (month < 1 || month > 12) { return "The month must be 01 to 12."; }
    if (year < 100) { year += 2000; }
    var now = new Date();
    if (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1)) {
      return "This date is in the past. Check the expiry date on the card.";
    }
    return "";
  }

  number.addEventListener("input", function () { checkNumber(false); });
  number.addEventListener("change", function () { checkNumber(true); });
  exp.addEventListener("input", function () { say(expHint, expHintFor(exp.value, false)); });
  exp.addEventListener("change", function () { say(expHint, expHintFor(exp.value, true)); });
})();
