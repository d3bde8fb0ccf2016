// Code editing in plain textareas: Tab indents (Esc first lets Tab move on, for keyboard
// users), Enter keeps the indentation, Ctrl/Cmd+Enter runs the code.
(function () {
  "use strict";
  const INDENT = "    ";

  function insert(area, text) {
    area.setRangeText(text, area.selectionStart, area.selectionEnd, "end");
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function onKeydown(event) {
    const area = event.target;
    if (!(area instanceof HTMLTextAreaElement) || !area.hasAttribute("data-editor")) return;
    if (event.key === "Escape") {
      area.dataset.tabMovesFocus = "yes";
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      area.form.requestSubmit();
      return;
    }
    if (event.key === "Tab" && !area.dataset.tabMovesFocus) {
      event.preventDefault();
      const start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
      if (event.shiftKey) {
        const line = area.value.slice(start);
        const remove = line.startsWith(INDENT) ? INDENT.length : line.match(/^ */)[0].length;
        area.setRangeText("", start, start + remove, "end");
      } else {
        insert(area, INDENT.slice((area.selectionStart - start) % INDENT.length));
      }
      return;
    }
    if (event.key === "Enter" && !event.shiftKey) {
      const start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
      const line = area.value.slice(start, area.selectionStart);
      let indent = line.match(/^ */)[0];
      if (line.trimEnd().endsWith(":")) indent += INDENT;
      event.preventDefault();
      insert(area, "\n" + indent);
    }
  }

  document.addEventListener("keydown", onKeydown);
  document.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLTextAreaElement) delete event.target.dataset.tabMovesFocus;
  });
})();
