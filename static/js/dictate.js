/* Answer by voice: a "Dictate" button next to every textarea[data-dictate], only where the browser
   offers speech recognition. The transcript is written into the textarea, where the learner edits it
   before submitting; nothing is sent anywhere by this script. */
(function () {
  "use strict";
  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (!Recognition) return; // unsupported: no button at all

  function attach(box) {
    box.setAttribute("data-dictate-ready", "true");
    var row = document.createElement("div");
    row.className = "dictate-row";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "dictate-button secondary outline";
    button.textContent = "Dictate";
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-controls", box.id);
    var status = document.createElement("small");
    status.setAttribute("role", "status");
    status.setAttribute("data-testid", "dictate-status");
    row.appendChild(button);
    row.appendChild(status);
    box.insertAdjacentElement("afterend", row);

    var recognition = null;
    var before = "";
    function stopped(message) {
      recognition = null;
      button.setAttribute("aria-pressed", "false");
      button.textContent = "Dictate";
      if (message) status.textContent = message;
    }
    button.addEventListener("click", function () {
      if (recognition) { recognition.stop(); return; }
      recognition = new Recognition();
      recognition.lang = document.documentElement.lang || "en";
      recognition.continuous = true;
      recognition.interimResults = true;
      before = box.value.replace(/\s+$/, "");
      if (before) before += " ";
      recognition.onresult = function (event) {
        var text = "";
        for (var i = 0; i < event.results.length; i++) text += event.results[i][0].transcript;
        box.value = before + text.trim();
        box.dispatchEvent(new Event("input", { bubbles: true })); // keeps the word count live
      };
      recognition.onerror = function (event) {
        stopped(event.error === "not-allowed" || event.error === "service-not-allowed"
          ? "Microphone access was refused: type your answer instead."
          : "Dictation stopped (" + event.error + "). You can type or try again.");
      };
      recognition.onend = function () {
        if (recognition) stopped("Dictation finished: check and edit the text, then submit.");
        box.focus();
      };
      button.setAttribute("aria-pressed", "true");
      button.textContent = "Stop dictation";
      status.textContent = "Listening… speak your answer, then press Stop dictation.";
      try { recognition.start(); } catch (error) { stopped("Dictation could not start: type your answer instead."); }
    });
  }

  function enhance(root) {
    var boxes = (root.matches && root.matches("textarea[data-dictate]")) ? [root] : root.querySelectorAll("textarea[data-dictate]");
    Array.prototype.forEach.call(boxes, function (box) { if (!box.hasAttribute("data-dictate-ready")) attach(box); });
  }
  enhance(document);
  document.addEventListener("htmx:load", function (event) { enhance(event.target); }); // forms swapped in by htmx
})();
