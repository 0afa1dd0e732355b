// Accessibility on every page (web/templates/base.html loads it in <head>, not deferred, so that the 适老化 class
// is on <html> before the first paint): the 适老化 switch and keyboard focus after a refused form.
(function () {
  "use strict";

  var KEY = "biaogan-elderly";
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (e) {  // storage refused (a locked-down browser): the mode lasts for this page only
      return root.classList.contains("elderly");
    }
  }

  function apply(on) {
    root.classList.toggle("elderly", on);
    document.querySelectorAll("[data-elderly-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  apply(stored());

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-elderly-toggle]") : null;
    if (!button) {
      return;
    }
    var on = !root.classList.contains("elderly");
    try {
      window.localStorage.setItem(KEY, on ? "1" : "0");
    } catch (e) { /* kept for this page only */ }
    apply(on);
  });

  // After a refused form the page comes back with its errors: the keyboard (and a screen reader) is taken to the
  // first field in error, or to the error summary when no single field is at fault (a wrong password).
  function focusError(scope) {
    var target = scope.querySelector("[aria-invalid=true]") ||
      scope.querySelector("[data-error-summary], [data-refusal]");
    if (!target) {
      return;
    }
    if (!target.matches("input, select, textarea, button") && !target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
    if (typeof target.scrollIntoView === "function") {
      target.scrollIntoView({block: "center"});
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    apply(root.classList.contains("elderly"));
    focusError(document);
  });

  // A form posted through htmx (the act forms, the declaration) swaps #main: the same, once it has settled. A GET
  // (the list's filters while typing) never moves the focus.
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail && event.detail.requestConfig;
    if (config && String(config.verb).toLowerCase() === "post") {
      focusError(document.getElementById("main") || document);
    }
  });
}());
