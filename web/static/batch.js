// 常用意见 (saved opinions) beside every opinion field of the page: a list of the user's own saved opinions to fill
// the field from, and a button that keeps the field's text as one more (web/routes/batch.py, /opinions). On the
// workbench's 批量办理 forms, 全选 ticks every item of one act. Loaded where those forms are (the workbench, the act
// forms of an application's page); the pages' CSP allows no inline script, so all of it is here.
(function () {
  "use strict";

  if (window.biaoganOpinions) {
    return; // loaded again by an htmx swap: the listeners are already there
  }
  window.biaoganOpinions = true;
  var FIELDS = "textarea[name=opinion], textarea[name=finding]";
  var saved = null; // [{id, text}] once loaded
  var counter = 0;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function fill(select) {
    while (select.options.length > 1) {
      select.remove(1);
    }
    (saved || []).forEach(function (o) {
      var option = document.createElement("option");
      option.value = o.id;
      option.textContent = o.text.length > 60 ? o.text.slice(0, 60) + "…" : o.text;
      option.title = o.text;
      select.appendChild(option);
    });
  }

  function refill() {
    document.querySelectorAll("select[data-saved-opinions]").forEach(fill);
  }

  function attach(field) {
    if (field.hasAttribute("data-opinions-ready")) {
      return;
    }
    field.setAttribute("data-opinions-ready", "");
    counter += 1;
    var id = "saved-opinions-" + counter;
    var box = document.createElement("div");
    box.className = "saved-opinions";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = "常用意见";
    var select = document.createElement("select");
    select.id = id;
    select.setAttribute("data-saved-opinions", "");
    var first = document.createElement("option");
    first.value = "";
    first.textContent = "选择常用意见填入";
    select.appendChild(first);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn--link";
    button.textContent = "存为常用意见";
    var status = document.createElement("span");
    status.className = "muted";
    status.setAttribute("role", "status");
    box.appendChild(label);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(select);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(button);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(status);
    field.insertAdjacentElement("afterend", box);
    fill(select);

    select.addEventListener("change", function () {
      var chosen = (saved || []).filter(function (o) { return o.id === select.value; })[0];
      if (chosen) {
        field.value = chosen.text;
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
    button.addEventListener("click", function () {
      var body = new URLSearchParams();
      body.set("text", field.value);
      fetch("/opinions", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" },
        body: body
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            status.textContent = data.message || "未能保存，请稍后重试";
            return;
          }
          saved = data.opinions;
          refill();
          status.textContent = "已存为常用意见";
        });
      }).catch(function () {
        status.textContent = "未能保存，请稍后重试";
      });
    });
  }

  function setUp(root) {
    var fields = (root || document).querySelectorAll(FIELDS);
    if (!fields.length) {
      return;
    }
    var go = function () { fields.forEach(attach); };
    if (saved !== null) {
      go();
      return;
    }
    fetch("/opinions", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { opinions: [] }; })
      .then(function (data) { saved = data.opinions || []; go(); })
      .catch(function () { saved = []; go(); });
  }

  // 全选 on a 批量办理 form: <input type=checkbox data-pick-all> ticks or clears the form's items.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-pick-all") && target.form) {
      target.form.querySelectorAll("input[name=applications]").forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
  document.addEventListener("htmx:afterSettle", function () { setUp(document); });
}());
