/* Quiz progress in the browser.
 *
 * Anonymous learners: every graded answer and finished attempt comes with a record the
 * server signed; this script keeps them in localStorage and paints progress from them
 * (ticks and best scores on the lesson map, where the quiz stands on a lesson page).
 * Signed-in learners: the records this browser kept are sent once to
 * /api/progress/sync/, which merges them into the account, then removed here; progress
 * is painted from the account (/api/progress/), the same on every device.
 * Pages are the same for every anonymous reader; only this script makes them personal.
 */
(function () {
  "use strict";
  var STORE = "lessonbox.progress.records";

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE)) || {}; } catch (error) { return {}; }
  }

  function save(records) {
    try { window.localStorage.setItem(STORE, JSON.stringify(records)); } catch (error) { /* storage full or blocked: progress shows from the server only */ }
  }

  // A signed record is "payload:timestamp:signature"; the payload is URL-safe base64 JSON.
  function decode(signed) {
    if (typeof signed !== "string") return null;
    var payload = signed.split(":")[0];
    if (!payload || payload.charAt(0) === ".") return null;
    try {
      var base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
      var binary = window.atob(base64 + "===".slice((base64.length + 3) % 4));
      var bytes = Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      return null;
    }
  }

  function collect(records) {
    var added = false;
    document.querySelectorAll("[data-progress-records] script").forEach(function (node) {
      var list;
      try { list = JSON.parse(node.textContent); } catch (error) { return; }
      (list || []).forEach(function (signed) {
        var record = decode(signed);
        if (record && record.id && !records[record.id]) { records[record.id] = signed; added = true; }
      });
    });
    return added;
  }

  // Per lesson: best and last score, attempts, completion, and answers of an attempt under way.
  function summarise(records) {
    var lessons = {}, finished = {};
    Object.keys(records).forEach(function (id) {
      var record = decode(records[id]);
      if (!record) return;
      var lesson = lessons[record.lesson] = lessons[record.lesson] || { best_score: 0, last_score: 0, attempts: 0, completed: false, lastAt: "", answering: {} };
      if (record.kind === "attempt") {
        finished[record.attempt] = true;
        lesson.attempts += 1;
        lesson.best_score = Math.max(lesson.best_score, record.score);
        lesson.completed = lesson.completed || record.passed;
        if (record.at > lesson.lastAt) { lesson.lastAt = record.at; lesson.last_score = record.score; }
      } else if (record.kind === "answer") {
        lesson.answering[record.attempt] = (lesson.answering[record.attempt] || 0) + 1;
      }
    });
    Object.keys(lessons).forEach(function (slug) {
      var lesson = lessons[slug], open = 0;
      Object.keys(lesson.answering).forEach(function (attempt) { if (!finished[attempt]) open = Math.max(open, lesson.answering[attempt]); });
      lesson.answered_now = open;
    });
    return lessons;
  }

  function fromServer(progress) {
    var lessons = {};
    (progress.lessons || []).forEach(function (item) { lessons[item.lesson] = item; });
    return lessons;
  }

  function paint(lessons) {
    document.querySelectorAll("[data-progress-lesson]").forEach(function (slot) {
      var lesson = lessons[slot.getAttribute("data-progress-lesson")];
      slot.textContent = "";
      if (!lesson || !(lesson.attempts || lesson.answered_now)) return;
      var mark = document.createElement("span");
      if (lesson.completed) {
        mark.className = "progress-mark";
        mark.textContent = "✓ " + lesson.best_score + "%";
        mark.setAttribute("aria-label", "Completed, best quiz score " + lesson.best_score + "%");
      } else if (lesson.attempts) {
        mark.className = "progress-mark progress-mark--partial";
        mark.textContent = "Best " + lesson.best_score + "%";
      } else {
        mark.className = "progress-mark progress-mark--partial";
        mark.textContent = "Quiz started";
      }
      slot.appendChild(mark);
    });
    document.querySelectorAll("[data-progress-standing]").forEach(function (line) {
      var lesson = lessons[line.getAttribute("data-progress-standing")];
      if (!lesson || !(lesson.attempts || lesson.answered_now)) { line.hidden = true; return; }
      var parts = [];
      if (lesson.completed) parts.push("✓ Completed");
      if (lesson.attempts) parts.push("Best " + lesson.best_score + "%", "Last " + lesson.last_score + "%", lesson.attempts + (lesson.attempts === 1 ? " attempt" : " attempts"));
      if (lesson.answered_now) parts.push(lesson.answered_now + " answered in the attempt under way");
      line.textContent = parts.join(" · ");
      line.hidden = false;
    });
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (error) { return ""; }
  }

  function request(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: body ? { "Content-Type": "application/json", "X-CSRFToken": csrfToken() } : {},
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  function refreshSignedIn() {
    var records = load();
    var pending = Object.keys(records).map(function (id) { return records[id]; });
    var done = pending.length
      ? request("POST", "/api/progress/sync/", { records: pending.slice(0, 2000) }).then(function (result) {
          // Merged (or refused for good): either way this browser no longer holds them.
          var left = load();
          pending.slice(0, 2000).forEach(function (signed) { var record = decode(signed); if (record) delete left[record.id]; });
          save(left);
          return result.progress;
        })
      : request("GET", "/api/progress/");
    return done.then(function (progress) { paint(fromServer(progress)); }).catch(function () { /* offline or signed out: keep the records for next time */ });
  }

  function refresh() {
    if (document.body.getAttribute("data-signed-in") === "true") { refreshSignedIn(); return; }
    var records = load();
    if (collect(records)) save(records);
    paint(summarise(records));
  }

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
})();
