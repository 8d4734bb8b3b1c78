/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Show a conditional field only when its controlling answer applies: data-show-if="name=v1,v2".
  // The controlling field is the nearest one: in a repeated entry (a situation of the crisis
  // protocol), that entry's own field, looked for from the conditional field outwards.
  function controlValue(group, form, name) {
    var selector = '[name="' + name + '"], [name$="-' + name + '"]';
    for (var scope = group.parentElement; scope; scope = scope.parentElement) {
      var inputs = Array.prototype.filter.call(scope.querySelectorAll(selector), function (el) {
        return !group.contains(el);
      });
      if (inputs.length) {
        for (var i = 0; i < inputs.length; i++) {
          var el = inputs[i];
          if ((el.type === "radio" || el.type === "checkbox")) { if (el.checked) return el.value; }
          else return el.value;
        }
        return "";
      }
      if (scope === form) break;
    }
    return "";
  }
  function refreshConditions(form) {
    form.querySelectorAll("div[data-show-if]").forEach(function (group) {
      var parts = group.getAttribute("data-show-if").split("=");
      var allowed = parts[1].split(",");
      group.hidden = allowed.indexOf(controlValue(group, form, parts[0])) === -1;
    });
  }

  // Autosave: debounce input, POST the form, show « Enregistré à 14 h 32 » or a retry alert.
  function setupAutosave(form) {
    var url = form.getAttribute("data-autosave");
    var status = form.querySelector("[data-autosave-status]");
    var timer = null, saving = false, pending = false, afterSave = function () {};
    function show(message, isError) {
      status.textContent = message;
      status.classList.toggle("is-error", !!isError);
      if (isError) {
        var retry = document.createElement("button");
        retry.type = "button"; retry.className = "button button-secondary button-small";
        retry.textContent = "Réessayer l'enregistrement";
        retry.addEventListener("click", save);
        status.appendChild(document.createTextNode(" "));
        status.appendChild(retry);
        status.setAttribute("role", "alert");
        retry.focus();
      } else { status.setAttribute("role", "status"); }
    }
    function refreshToken() {
      return fetch("/jeton-csrf", {headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
        .then(function (r) { if (!r.ok) throw new Error("auth"); return r.json(); })
        .then(function (j) { form.querySelectorAll('input[name="csrf_token"]').forEach(function (i) { i.value = j.csrf_token; }); });
    }
    function save() {
      if (saving) { pending = true; return; }
      saving = true;
      var body = new FormData(form);
      body.delete("action");
      fetch(url, {method: "POST", body: body, credentials: "same-origin",
                  headers: {"X-Requested-With": "fetch", "X-CSRFToken": form.querySelector('input[name="csrf_token"]').value}})
        .then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (j) { return {status: r.status, body: j}; });
        })
        .then(function (res) {
          if (res.status === 200) {
            form.querySelector('input[name="version"]').value = res.body.version;
            show(res.body.message, false);
          } else if (res.status === 400 && res.body.csrf) {
            return refreshToken().then(save, function () {
              show("Votre session a expiré. Reconnectez-vous dans un autre onglet (vos réponses restent sur cette page), puis réessayez.", true);
            });
          } else if (res.status === 401) {
            show("Votre session a expiré. Reconnectez-vous dans un autre onglet (vos réponses restent sur cette page), puis réessayez.", true);
          } else {
            show(res.body.message || "L'enregistrement a échoué.", true);
          }
        })
        .catch(function () { show("L'enregistrement a échoué (connexion perdue ?). Vos réponses restent sur cette page.", true); })
        .then(function () {
          saving = false; timer = null;
          if (pending) { pending = false; save(); } else { afterSave(); }
        });
    }
    // A submit while our own autosave is in flight would carry a stale version: wait for it.
    var submitter = null;
    form.addEventListener("submit", function (e) {
      clearTimeout(timer); timer = null;
      if (saving) { e.preventDefault(); submitter = e.submitter || null; pending = false; }
    });
    afterSave = function () {
      if (submitter !== null) { var b = submitter; submitter = null; form.requestSubmit(b); }
    };
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 1200); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
    window.addEventListener("pagehide", function () { if (timer) { clearTimeout(timer); save(); } });
  }

  // Drawn signature: pointer events on a canvas, sent as a PNG data: URL in a hidden field.
  // A job's page refreshes itself every 3 s without JavaScript; with it, the progress is read
  // from the JSON state and the page reloads once, when the job is finished.
  function setupJobProgress(box) {
    var meta = document.querySelector('meta[http-equiv="refresh"]');
    if (!meta) return;
    meta.parentNode.removeChild(meta);
    function poll() {
      fetch(box.getAttribute("data-job"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (state) {
          if (!state) { setTimeout(poll, 5000); return; }
          if (state.state === "termine" || state.state === "echec") { window.location.reload(); return; }
          var bar = box.querySelector("[data-job-progress]");
          if (bar) { bar.max = state.steps; bar.value = state.step; }
          var text = box.querySelector("[data-job-message]");
          if (text) text.textContent = (state.step ? "Étape " + state.step + " sur " + state.steps + " : " : "") + state.message;
          setTimeout(poll, 1500);
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1000);
  }

  function setupSignaturePad(form) {
    var pad = form.querySelector("[data-signature-pad]");
    if (!pad) return;
    form.querySelectorAll("[data-needs-js]").forEach(function (el) { el.disabled = false; });
    var ctx = pad.getContext("2d"), drawing = false, drawn = false;
    ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.strokeStyle = "#0b2e5c";
    function point(e) {
      var r = pad.getBoundingClientRect();
      return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
    }
    pad.addEventListener("pointerdown", function (e) {
      drawing = true; pad.setPointerCapture(e.pointerId);
      var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); e.preventDefault();
    });
    pad.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; e.preventDefault();
    });
    ["pointerup", "pointercancel"].forEach(function (t) { pad.addEventListener(t, function () { drawing = false; }); });
    form.querySelector("[data-signature-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, pad.width, pad.height); drawn = false;
    });
    form.addEventListener("submit", function () {
      form.querySelector('input[name="dessin"]').value = drawn ? pad.toDataURL("image/png") : "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-show-if]")) {
        refreshConditions(form);
        form.addEventListener("change", function () { refreshConditions(form); });
      }
      if (form.hasAttribute("data-autosave")) setupAutosave(form);
      if (form.hasAttribute("data-signature-form")) setupSignaturePad(form);
      if (form.hasAttribute("data-once")) {
        form.addEventListener("submit", function () {
          var b = form.querySelector("button[type=submit]");
          setTimeout(function () { b.disabled = true; b.textContent = "Envoi en cours…"; }, 0);
        });
      }
      if (form.hasAttribute("data-confirm")) {
        form.addEventListener("submit", function (e) { if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault(); });
      }
    });
    var summary = document.querySelector("[data-autofocus]");
    if (summary) summary.focus();
    var job = document.querySelector("[data-job]");
    if (job) setupJobProgress(job);
  });
})();
