// The code editor. With CodeMirror loaded (pages that have a code form load it), each
// textarea[data-editor] becomes a Python editor with highlighting and line numbers; the
// textarea stays the form field, so plain form posts and htmx posts send its value.
// Without it the textarea still helps: Tab indents, Enter keeps the indentation.
// In both, Ctrl/Cmd+Enter runs the code, and Esc then Tab moves on (no keyboard trap).
(function () {
  "use strict";
  const INDENT = "    ";

  function run(form) {
    if (form) form.requestSubmit();
  }

  function upgrade(area) {
    if (area.dataset.upgraded) return;
    area.dataset.upgraded = "yes";
    const label = area.labels && area.labels[0] ? area.labels[0].textContent.trim() : "Code";
    const editor = window.CodeMirror.fromTextArea(area, {
      mode: "python",
      lineNumbers: true,
      indentUnit: 4,
      tabSize: 4,
      matchBrackets: true,
      viewportMargin: Infinity,
      inputStyle: "contenteditable",
      screenReaderLabel: label,
      extraKeys: {
        Tab: (cm) => {
          if (cm.state.tabMovesFocus) return window.CodeMirror.Pass;
          if (cm.somethingSelected()) cm.indentSelection("add");
          else cm.replaceSelection(INDENT.slice(cm.getCursor().ch % INDENT.length), "end");
        },
        "Shift-Tab": (cm) => (cm.state.tabMovesFocus ? window.CodeMirror.Pass : cm.indentSelection("subtract")),
        Esc: (cm) => { cm.state.tabMovesFocus = true; },
        "Ctrl-Enter": () => run(area.form),
        "Cmd-Enter": () => run(area.form),
      },
    });
    editor.on("focus", (cm) => { cm.state.tabMovesFocus = false; });
    editor.on("change", (cm) => cm.save());
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
      run(area.form);
      return;
    }
    if (event.key === "Tab" && !area.dataset.tabMovesFocus) {
      event.preventDefault();
      const start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
      if (event.shiftKey) {
        const line = area.value.slice(start);
        area.setRangeText("", start, start + line.match(/^ {0,4}/)[0].length, "end");
      } else {
        area.setRangeText(INDENT.slice((area.selectionStart - start) % INDENT.length), area.selectionStart, area.selectionEnd, "end");
      }
      return;
    }
    if (event.key === "Enter" && !event.shiftKey) {
      const start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
      const line = area.value.slice(start, area.selectionStart);
      let indent = line.match(/^ */)[0];
      if (line.trimEnd().endsWith(":")) indent += INDENT;
      event.preventDefault();
      area.setRangeText("\n" + indent, area.selectionStart, area.selectionEnd, "end");
    }
  }

  function upgradeAll() {
    if (window.CodeMirror) document.querySelectorAll("textarea[data-editor]").forEach(upgrade);
  }

  document.addEventListener("keydown", onKeydown);
  document.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLTextAreaElement) delete event.target.dataset.tabMovesFocus;
  });
  document.addEventListener("DOMContentLoaded", upgradeAll);
  document.addEventListener("htmx:load", upgradeAll);
})();
