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

  // <button data-native-submit formaction=…>: its form is sent as the browser sends it, not through htmx: the answer
  // is a file to download (the 申报表's draft), not a part of the page. Stopped on its way down to the form, where
  // htmx listens; the browser's own submission goes on.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter instanceof HTMLElement && submitter.hasAttribute("data-native-submit")) {
      event.stopPropagation();
    }
  }, true);

  // <button data-print>: prints the page (公示名单, 名录).
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) {
      window.print();
    }
  });
}());

// ---- Confirmations before irreversible acts (issue 20 item 4; branch sheet) --------------------------------------
// <form data-confirm="what will happen" data-confirm-button="确认…">: submitting first opens a <dialog> saying what
// will happen; 取消 (or Esc) sends nothing, the confirm button sends the form as it was submitted (htmx included).
(function () {
  "use strict";

  var dialog = null;
  var pending = null; // {form, submitter}

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.id = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-text");
    var title = document.createElement("h2");
    title.id = "confirm-dialog-title";
    title.textContent = "请确认";
    var text = document.createElement("p");
    text.id = "confirm-dialog-text";
    var actions = document.createElement("div");
    actions.className = "form-actions";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn";
    cancel.id = "confirm-dialog-cancel";
    cancel.textContent = "取消";
    var accept = document.createElement("button");
    accept.type = "button";
    accept.className = "btn btn--danger";
    accept.id = "confirm-dialog-accept";
    actions.appendChild(cancel);
    actions.appendChild(accept);
    dialog.appendChild(title);
    dialog.appendChild(text);
    dialog.appendChild(actions);
    document.body.appendChild(dialog);
    cancel.addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (dialog.returnValue !== "accept") {
        pending = null;
      }
      dialog.returnValue = "";
    });
    accept.addEventListener("click", function () {
      var chosen = pending;
      dialog.returnValue = "accept";
      dialog.close();
      pending = null;
      if (chosen) {
        chosen.form.setAttribute("data-confirmed", "yes");
        if (chosen.submitter) {
          chosen.form.requestSubmit(chosen.submitter);
        } else {
          chosen.form.requestSubmit();
        }
      }
    });
  }

  // Capturing on the document runs before htmx's own listener on the form: stopping here sends nothing.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) {
      return;
    }
    if (form.getAttribute("data-confirmed") === "yes") {
      form.removeAttribute("data-confirmed");
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (!dialog || !document.body.contains(dialog)) {
      build();
    }
    pending = { form: form, submitter: event.submitter || null };
    document.getElementById("confirm-dialog-text").textContent = form.getAttribute("data-confirm");
    document.getElementById("confirm-dialog-accept").textContent =
      form.getAttribute("data-confirm-button") || "确认";
    dialog.showModal();
    document.getElementById("confirm-dialog-cancel").focus();
  }, true);
}());
