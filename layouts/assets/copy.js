// Copy buttons (the BibTeX entry on paper pages): shown only where the clipboard can be written; the text they copy
// is on the page anyway, selectable without JavaScript.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector(".copy-status");
  if (!source || !navigator.clipboard?.writeText) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent);
      status.textContent = "Copied.";
    } catch {
      status.textContent = "Could not copy: select the text and copy it instead.";
    }
  });
}
