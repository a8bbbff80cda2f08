// Copy buttons for a compound's identifiers (elements with class "copyable"). Progressive enhancement:
// without JavaScript there are no buttons and the text is there to select. The copied text is the
// element's own text: its <wbr> line breaks and formula <sub>s add no characters, so it is exactly the
// stored identifier. Each button has a status line beside it (role="status": announced, and visible).
(function () {
  "use strict";

  function selectContents(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function addButton(value) {
    var label = value.getAttribute("data-copy-label") || "value";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    var name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = " " + label;
    button.appendChild(name);
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    value.after(button, status);

    button.addEventListener("click", function () {
      var text = value.textContent;
      status.textContent = "";
      var copied = navigator.clipboard && window.isSecureContext
        ? navigator.clipboard.writeText(text)
        : Promise.reject(new Error("The clipboard is not available here."));
      copied.then(
        function () { status.textContent = "Copied " + label; },
        function () {
          selectContents(value);
          status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy";
        }
      );
    });
  }

  document.querySelectorAll(".copyable").forEach(addButton);
})();
