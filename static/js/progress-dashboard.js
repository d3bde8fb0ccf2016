/* The progress of a learner who is not signed in, drawn by the server from this browser's records.
 *
 * static/js/progress.js keeps the records the server signed in localStorage. Here every
 * element with data-browser-progress posts them to that address; the server verifies each
 * one (as a sync into an account would), leaves out any that fail, and answers with the
 * markup to show. With data-only-with-records the element stays hidden for a browser that
 * saved nothing; an answer of 204 (nothing to show) leaves it hidden too.
 */
(function () {
  "use strict";
  var STORE = "lessonbox.progress.records"; // the key progress.js writes
  var MAX_RECORDS = 2000; // what the server takes in one request: the most recent ones

  function records() {
    var saved;
    try { saved = JSON.parse(window.localStorage.getItem(STORE)) || {}; } catch (error) { saved = {}; }
    return Object.keys(saved).map(function (id) { return saved[id]; }).slice(-MAX_RECORDS);
  }

  function fill(slot) {
    var list = records();
    if (!list.length && slot.hasAttribute("data-only-with-records")) return;
    slot.hidden = false;
    slot.setAttribute("aria-busy", "true");
    fetch(slot.getAttribute("data-browser-progress"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ records: list }),
    }).then(function (response) {
      if (response.status === 204) return "";
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      slot.innerHTML = html;  // markup the server rendered and escaped
      slot.hidden = !html;
    }).catch(function () {
      // On the lesson map the panel is an extra: it just stays away. Here it is the page.
      if (slot.hasAttribute("data-only-with-records")) { slot.hidden = true; return; }
      slot.innerHTML = "<p class=\"notice notice--warning\">Your saved progress could not be read just now; reload the page to try again.</p>";
    }).then(function () {
      slot.removeAttribute("aria-busy");
    });
  }

  function start() {
    if (document.body.getAttribute("data-signed-in") === "true") return; // signed in: the page came from the account
    document.querySelectorAll("[data-browser-progress]").forEach(fill);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
