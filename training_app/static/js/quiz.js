// Quiz pages, progressively enhanced: every change is saved at once (and again when the connection
// comes back), hotspot images take clicks, and the timer counts down. Without this file the page
// still works: answers are saved by "Save and next" and hotspots are answered from the region list.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  var status = document.getElementById("save-status");
  var token = document.querySelector('meta[name="csrf-token"]');
  var pending = {};   // question id -> answer not yet saved
  var sending = null; // the answers of the request in flight
  var retryDelay = 0;
  var retryTimer = null;
  var stopped = false;

  function say(key, failed, text) {
    if (!status) return;
    status.textContent = text || status.getAttribute("data-" + key) || "";
    status.classList.toggle("is-failed", !!failed);
  }

  function fieldName(id, part) { return "q_" + id + (part ? "__" + part : ""); }

  function parts(fieldset, id) {
    var answer = {};
    var prefix = fieldName(id, "");
    fieldset.querySelectorAll("select").forEach(function (select) {
      if (select.name.indexOf(prefix) === 0) answer[select.name.slice(prefix.length)] = select.value;
    });
    return answer;
  }

  // The answer of one question, shaped as the server's autosave takes it (quiz/services.py).
  function answerOf(fieldset) {
    var id = fieldset.getAttribute("data-question");
    var kind = fieldset.getAttribute("data-kind");
    var name = fieldName(id);
    var checked = fieldset.querySelectorAll('input[name="' + name + '"]:checked');
    if (kind === "multiple_response") return Array.prototype.map.call(checked, function (i) { return i.value; });
    if (kind === "matching" || kind === "ordering") return parts(fieldset, id);
    if (kind === "numeric") return form.elements[name].value;
    if (kind === "hotspot") {
      var x = form.elements[fieldName(id, "x")].value, y = form.elements[fieldName(id, "y")].value;
      if (x !== "" && y !== "") return { x: Number(x), y: Number(y) };
    }
    return checked.length ? checked[0].value : null;
  }

  // Each question's saves are numbered (its hidden seq_ input holds the next number, and the form posts
  // it too), so the server keeps the newer answer when an older request arrives late.
  function nextSeq(id) {
    var input = form.elements["seq_" + id];
    if (!input) return null;
    var seq = Number(input.value) || 1;
    input.value = seq + 1;
    return seq;
  }

  // The server refused a save as not newer than the answer it holds (409 "stale"): another tab, or this
  // page before a "Save and next" it came back to, numbered a save as high. Count on from the server's
  // number and send again what this page shows, quietly: the last change wins, as it always did.
  function catchUp(stored) {
    Object.keys(stored || {}).forEach(function (id) {
      var input = form.elements["seq_" + id];
      var fieldset = form.querySelector('[data-question="' + id + '"]');
      if (!input || !fieldset) return;
      input.value = Math.max(Number(input.value) || 1, stored[id] + 1);
      if (!(id in pending)) pending[id] = answerOf(fieldset);
    });
  }

  function queue(fieldset) {
    if (stopped) return;
    pending[fieldset.getAttribute("data-question")] = answerOf(fieldset);
    flush();
  }

  function retryLater() {
    say("retrying", true);
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 30000);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryDelay);
  }

  function flush() {
    if (sending || stopped || !Object.keys(pending).length) return;
    sending = pending;
    pending = {};
    var seqs = {};
    Object.keys(sending).forEach(function (id) {
      var seq = nextSeq(id);
      if (seq) seqs[id] = seq;
    });
    say("saving");
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": token ? token.content : "" },
      body: JSON.stringify({ answers: sending, seq: seqs })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        var sent = sending;
        sending = null;
        if (response.ok) {
          retryDelay = 0;
          say("saved");
        } else if (response.status === 409 && body.code === "stale") {
          retryDelay = 0;
          catchUp(body.stale);
          say("saved");
        } else if (response.status === 409) {
          stopped = true; // submitted, or the time is up: nothing more can be saved
          say("", true, body.error);
        } else if (response.status === 422 && body.question_id) {
          delete sent[body.question_id]; // refused as invalid; the others are sent again
          pending = Object.assign(sent, pending);
          say("", true, body.error);
          if (Object.keys(pending).length) setTimeout(flush, 0);
          return;
        } else if (response.status >= 500 || response.status === 429) {
          pending = Object.assign(sent, pending);
          retryLater();
          return;
        } else {
          say("", true, body.error);
        }
        flush();
      });
    }, function () { // no connection: keep the answers and try again
      pending = Object.assign(sending, pending);
      sending = null;
      retryLater();
    });
  }

  function setupHotspot(box) {
    var fieldset = box.closest("[data-question]");
    var id = fieldset.getAttribute("data-question");
    var width = Number(box.getAttribute("data-width")), height = Number(box.getAttribute("data-height"));
    var x = form.elements[fieldName(id, "x")], y = form.elements[fieldName(id, "y")];
    var marker = box.querySelector(".hotspot-marker");
    var image = box.querySelector("img");
    function place() {
      marker.hidden = x.value === "";
      if (x.value === "") return;
      marker.style.left = (Number(x.value) / width * 100) + "%";
      marker.style.top = (Number(y.value) / height * 100) + "%";
    }
    box.classList.add("is-active");
    fieldset.querySelectorAll(".js-only").forEach(function (hint) { hint.hidden = false; });
    // The image is shown at any width: convert the click back to the image's own pixels.
    image.addEventListener("click", function (event) {
      var rect = image.getBoundingClientRect();
      var px = Math.min(width, Math.max(0, (event.clientX - rect.left) * width / rect.width));
      var py = Math.min(height, Math.max(0, (event.clientY - rect.top) * height / rect.height));
      x.value = Math.round(px * 10) / 10;
      y.value = Math.round(py * 10) / 10;
      fieldset.querySelectorAll('input[type="radio"]').forEach(function (radio) { radio.checked = false; });
      place();
      queue(fieldset);
    });
    // Choosing a region from the list (keyboard, screen reader) replaces a click.
    fieldset.addEventListener("change", function (event) {
      if (event.target.type === "radio") { x.value = ""; y.value = ""; place(); }
    }, true);
    place();
  }

  function setupTimer() {
    var timer = document.getElementById("quiz-timer");
    var clock = timer && timer.querySelector(".clock");
    if (!clock) return;
    // Count from what the server said was left, so a wrong clock on the device does not matter.
    var bits = clock.textContent.split(":");
    var end = Date.now() + (Number(bits[0]) * 60 + Number(bits[1])) * 1000;
    var tick = setInterval(function () {
      var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      clock.textContent = Math.floor(left / 60) + ":" + ("0" + left % 60).slice(-2);
      if (!left) { clearInterval(tick); setTimeout(function () { window.location.reload(); }, 1500); }
    }, 1000);
  }

  setupTimer();
  if (!form) return;
  form.querySelectorAll(".hotspot").forEach(setupHotspot);
  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("[data-question]");
    if (fieldset) queue(fieldset);
  });
  var typing = null;
  form.addEventListener("input", function (event) {
    if (!event.target.classList.contains("numeric")) return;
    clearTimeout(typing);
    typing = setTimeout(function () { queue(event.target.closest("[data-question]")); }, 800);
  });
  form.addEventListener("submit", function () { stopped = true; }); // the form posts every answer itself
  window.addEventListener("online", function () { retryDelay = 0; flush(); });
  window.addEventListener("beforeunload", function (event) {
    if (!stopped && (sending || Object.keys(pending).length)) event.preventDefault();
  });
})();
