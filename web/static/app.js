// Every page's own script (web/templates/base.html). The pages' Content-Security-Policy allows no inline script or
// event-handler attribute, so what those did is here, keyed by data attributes.
(function () {
  "use strict";

  // Every htmx request carries the CSRF token from the page's meta tag as the X-CSRF-Token header.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      event.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });

  // <select data-autosubmit>: choosing a value submits its (GET) form, as the button beside it would.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });

  // <button data-print>: prints the page (公示名单, 名录).
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) {
      window.print();
    }
  });
}());
