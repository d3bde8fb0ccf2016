/* The tutor's answer as it is written, when a model writes it.
 *
 * A tutor form marked data-stream (the site uses an OpenAI-compatible model) sends its
 * question itself instead of through htmx, asking for server-sent events: each sentence
 * of the answer arrives once the model has written it and the grounding check has passed
 * it, and shows in a preview turn; the finished turn, checked as a whole, then replaces
 * the preview. A refusal of the question (empty, too long, too many) comes back as the
 * usual htmx fragment and goes to the problem slot. Without fetch streaming htmx asks as
 * usual, and the answer comes in one piece.
 */
(function () {
  "use strict";

  function canStream() {
    return typeof window.fetch === "function" && typeof window.ReadableStream === "function" && typeof window.TextDecoder === "function";
  }

  function previewTurn(question) {
    var turn = document.createElement("div");
    turn.className = "tutor-turn tutor-turn--preview";
    turn.setAttribute("aria-busy", "true");
    var asked = document.createElement("p");
    asked.className = "tutor-turn__question";
    var you = document.createElement("span");
    you.className = "tutor-turn__who";
    you.textContent = "You";
    asked.append(you, " " + question);
    var answer = document.createElement("div");
    answer.className = "tutor-turn__answer";
    var who = document.createElement("p");
    who.className = "tutor-turn__who";
    who.textContent = "Tutor";
    var text = document.createElement("p");
    text.className = "tutor-turn__text";
    text.textContent = "…";
    answer.append(who, text);
    turn.append(asked, answer);
    return { turn: turn, text: text };
  }

  // Yields {event, data} for each server-sent event in the response body.
  async function* events(response) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var pending = "";
    for (;;) {
      var read = await reader.read();
      if (read.done) return;
      pending += decoder.decode(read.value, { stream: true });
      var blocks = pending.split("\n\n");
      pending = blocks.pop();
      for (var i = 0; i < blocks.length; i++) {
        var name = "message", data = "";
        blocks[i].split("\n").forEach(function (line) {
          if (line.indexOf("event: ") === 0) name = line.slice(7);
          else if (line.indexOf("data: ") === 0) data += line.slice(6);
        });
        if (data) yield { event: name, data: JSON.parse(data) };
      }
    }
  }

  async function ask(form) {
    var conversation = document.getElementById("tutor-conversation");
    var button = form.querySelector("button[type=submit]");
    var thinking = document.getElementById("tutor-thinking");
    var sent = form.question.value;
    var body = new FormData(form);
    button.disabled = true;
    if (thinking) thinking.classList.add("htmx-request");
    var preview = null;
    try {
      var response = await fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "text/event-stream", "HX-Request": "true", "HX-Current-URL": window.location.href },
      });
      if (!(response.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
        // The question was refused: the fragment says why, in the problem slot.
        window.htmx.swap("#tutor-problem", await response.text(), { swapStyle: "innerHTML" });
        return;
      }
      preview = previewTurn(sent);
      conversation.append(preview.turn);
      var said = [];
      for await (var message of events(response)) {
        if (message.event === "sentence") {
          said.push(message.data);
          preview.text.textContent = said.join(" ");
        } else if (message.event === "turn") {
          preview.turn.remove();
          preview = null;
          window.htmx.swap(conversation, message.data, { swapStyle: "beforeend" });
          if (form.question.value === sent) form.reset();
          form.question.focus();
        }
      }
    } catch (error) {
      if (preview) preview.turn.remove();
      var problem = document.getElementById("tutor-problem");
      problem.replaceChildren();
      var message = document.createElement("p");
      message.className = "form-error";
      message.textContent = "The answer was interrupted. Please ask again.";
      problem.append(message);
      return;
    } finally {
      button.disabled = false;
      if (thinking) thinking.classList.remove("htmx-request");
    }
    if (preview) preview.turn.remove(); // the stream ended without its turn
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!canStream() || !form.matches || !form.matches("form.tutor-form[data-stream]")) return;
    event.preventDefault();
    ask(form);
  });
})();
