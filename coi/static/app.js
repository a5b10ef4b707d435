// The page's only script (the Content-Security-Policy allows no inline script): bring the passage asked for into
// view, and copy a citation to the clipboard.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const current = document.querySelector("[data-current]");
  if (current && !window.location.hash) {
    current.scrollIntoView({block: "start"});
  }
  const button = document.getElementById("copy-citation");
  if (!button) {
    return;
  }
  const status = document.getElementById("copy-status");
  button.addEventListener("click", async () => {
    const box = document.getElementById(button.dataset.target);
    box.focus();
    box.select();
    try {
      await navigator.clipboard.writeText(box.value);
      status.textContent = "Citation copied.";
    } catch (err) {
      // no clipboard permission (an old browser, a page not on localhost or https): the text stays selected
      status.textContent = document.execCommand("copy") ? "Citation copied." : "Selected: press Ctrl+C to copy.";
    }
  });
});
