// The candidate's questionnaire: live word counts, and saving as they type. Without
// JavaScript the page works the same with its buttons ("Save and finish later").
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("autosave-status");
  var timer = null;
  var pending = false;
  // The words shown, in the page's language (the page gives them, translated).
  var said = form.dataset;

  function words(text) {
    var found = text.trim().split(/\s+/);
    return found[0] === "" ? 0 : found.length;
  }

  function count(area) {
    var counter = document.getElementById("count-" + area.id.replace("explanation-", ""));
    if (!counter) { return; }
    var limit = parseInt(area.dataset.limit, 10);
    var n = words(area.value);
    counter.textContent = said.countWords.replace("{words}", n).replace("{limit}", limit) +
      (n > limit ? said.tooLongWords : "");
    counter.classList.toggle("error", n > limit);
  }

  function save() {
    timer = null;
    var data = new FormData(form);
    data.set("action", "autosave");
    status.textContent = said.savingWords;
    fetch(form.dataset.autosave, { method: "POST", body: data, credentials: "same-origin",
                                   headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json().then(function (body) {
        return { ok: response.ok, body: body }; }); })
      .then(function (result) {
        pending = false;
        var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        status.textContent = result.ok ? said.savedWords.replace("{time}", time) :
          (result.body.message || said.notSavedWords);
      })
      .catch(function () { status.textContent = said.failedWords; });
  }

  function changed() {
    pending = true;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 1500);
  }

  Array.prototype.forEach.call(form.querySelectorAll("textarea[data-limit]"), function (area) {
    count(area);
    area.addEventListener("input", function () { count(area); changed(); });
  });
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); } });
  // Leaving with unsaved typing: hand the last words to the browser to send on its own.
  window.addEventListener("pagehide", function () {
    if (!pending || !timer || !navigator.sendBeacon) { return; }
    var data = new FormData(form);
    data.set("action", "autosave");
    navigator.sendBeacon(form.dataset.autosave, data);
  });
}());
