// recipebox: small enhancements; every page works without this file.
//  - check-off on the list and "add to my list" are sent with fetch(), updating at once;
//  - the servings control rescales ingredient amounts in the page (no request);
//  - the print view gets a Print button.
"use strict";

(function () {
  document.documentElement.classList.add("js");

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";

  function announce(message, isError) {
    var box = document.getElementById("flashes");
    if (!box || !message) return;
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "flash" + (isError ? " flash-error" : "");
    p.textContent = message;
    box.appendChild(p);
  }

  function send(form, body) {
    return fetch(form.action, {
      method: "POST",
      body: body || new FormData(form),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok || !data.ok) {
          throw new Error(data.message || (data.error && data.error.message) || "That did not work; please try again.");
        }
        return data;
      });
    });
  }

  // --- check-off ---------------------------------------------------------------------------
  function setChecked(form, checked) {
    var line = form.closest("[data-line]");
    var button = form.querySelector("[role=checkbox]");
    form.elements.checked.value = checked ? "0" : "1";
    button.setAttribute("aria-checked", checked ? "true" : "false");
    if (line) line.classList.toggle("is-checked", checked);
    var count = document.querySelector("[data-checked-count]");
    if (count) count.textContent = String(document.querySelectorAll("[data-line].is-checked").length);
  }

  function onCheck(form) {
    var body = new FormData(form); // read before the toggle flips the hidden field
    var checked = form.elements.checked.value === "1";
    setChecked(form, checked);
    send(form, body).catch(function (error) {
      setChecked(form, !checked);
      announce(error.message, true);
    });
  }

  // --- add to my list ----------------------------------------------------------------------
  function onSelect(form) {
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    send(form).then(function (data) {
      var link = document.createElement("a");
      link.className = "btn btn-ghost on-list" + (button.classList.contains("btn-small") ? " btn-small" : "");
      link.href = form.getAttribute("data-list-url") || "/list";
      link.textContent = "✓ On your list";
      if (form.querySelector(".on-list-note")) {
        form.querySelector(".on-list-note").textContent = "for " + data.servings;
        button.setAttribute("data-selected", String(data.servings));
        button.hidden = true;
        button.disabled = false;
      } else {
        form.replaceWith(link);
        link.focus();
      }
      announce(data.message, false);
    }).catch(function (error) {
      button.disabled = false;
      announce(error.message, true);
    });
  }

  var handlers = { check: onCheck, select: onSelect };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.getAttribute && form.getAttribute("data-async");
    if (!kind || !handlers[kind] || !window.fetch) return;
    event.preventDefault();
    handlers[kind](form);
  });

  // --- servings ----------------------------------------------------------------------------
  // Mirrors recipebox.domain.units.format_number: kitchen fractions for US and countable
  // units, short decimals for metric ones.
  var FRACTIONS = [[0, ""], [1 / 8, "⅛"], [1 / 4, "¼"], [1 / 3, "⅓"], [3 / 8, "⅜"], [1 / 2, "½"],
    [5 / 8, "⅝"], [2 / 3, "⅔"], [3 / 4, "¾"], [7 / 8, "⅞"], [1, ""]];

  function formatNumber(value, kitchen) {
    if (!kitchen) {
      if (value >= 100) return String(Math.round(value));
      var text = value < 10 ? value.toFixed(2) : value.toFixed(1);
      return text.replace(/0+$/, "").replace(/\.$/, "") || "0";
    }
    if (value >= 10) return String(Math.round(value));
    var whole = Math.floor(value);
    var rest = value - whole;
    var best = FRACTIONS[0];
    FRACTIONS.forEach(function (pair) {
      if (Math.abs(pair[0] - rest) < Math.abs(best[0] - rest) - 1e-9) best = pair;
    });
    if (best[0] === 1) return String(whole + 1);
    if (!best[1]) return String(whole);
    return whole === 0 ? best[1] : whole + " " + best[1];
  }

  function formatAmount(el, factor) {
    var low = parseFloat(el.getAttribute("data-low")) * factor;
    var highAttr = el.getAttribute("data-high");
    var high = highAttr === null ? null : parseFloat(highAttr) * factor;
    var kitchen = el.getAttribute("data-kitchen") !== "0";
    var text = formatNumber(low, kitchen);
    if (high !== null && high !== low) text += "-" + formatNumber(high, kitchen);
    var one = el.getAttribute("data-one");
    if (!one) return text;
    return text + " " + ((high !== null ? high : low) > 1 ? el.getAttribute("data-many") : one);
  }

  function setupServings(form) {
    var input = form.querySelector("input[name=servings]");
    var base = parseInt(form.getAttribute("data-base"), 10);
    var min = parseInt(form.getAttribute("data-min"), 10);
    var max = parseInt(form.getAttribute("data-max"), 10);
    var amounts = document.querySelectorAll(".ingredients [data-low]");

    function apply(servings) {
      if (!(servings >= min && servings <= max)) return;
      input.value = String(servings);
      var factor = servings / base;
      amounts.forEach(function (el) { el.textContent = formatAmount(el, factor); });
      document.querySelectorAll("[data-servings-field]").forEach(function (field) {
        field.value = String(servings);
      });
      document.querySelectorAll("[data-servings-label]").forEach(function (label) {
        label.textContent = String(servings);
      });
      document.querySelectorAll("[data-selected]").forEach(function (button) {
        button.hidden = button.getAttribute("data-selected") === String(servings);
      });
      form.querySelectorAll("[data-step]").forEach(function (link) {
        var next = Math.min(max, Math.max(min, servings + parseInt(link.getAttribute("data-step"), 10)));
        var url = new URL(link.href);
        url.searchParams.set("servings", String(next));
        link.href = url.toString();
      });
      var here = new URL(window.location.href);
      here.searchParams.set("servings", String(servings));
      window.history.replaceState(null, "", here.toString());
    }

    form.addEventListener("click", function (event) {
      var link = event.target.closest("[data-step]");
      if (!link) return;
      event.preventDefault();
      apply(parseInt(input.value, 10) + parseInt(link.getAttribute("data-step"), 10));
    });
    input.addEventListener("input", function () { apply(parseInt(input.value, 10)); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply(parseInt(input.value, 10));
    });
  }

  function start() {
    document.querySelectorAll("[data-servings-control]").forEach(setupServings);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-busy-label]").forEach(function (button) {
      button.form.addEventListener("submit", function () {
        button.textContent = button.getAttribute("data-busy-label");
        button.setAttribute("aria-disabled", "true");
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
