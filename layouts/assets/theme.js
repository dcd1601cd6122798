// The theme toggle. Loaded as a classic script in <head>, so the saved theme is on <html> before the first paint (no
// flash of the other theme); it is the site's only render-blocking script (README, "Themes"). Without a saved choice
// the system preference decides (site.css); choosing the system's own theme forgets the choice.
(() => {
  const root = document.documentElement;
  const system = matchMedia("(prefers-color-scheme: dark)");
  const store = (value) => {
    try {
      if (value) localStorage.setItem("theme", value);
      else localStorage.removeItem("theme");
    } catch {}
  };
  try {
    const saved = localStorage.getItem("theme");
    if (saved === "light" || saved === "dark") root.dataset.theme = saved;
  } catch {}
  const current = () => root.dataset.theme || (system.matches ? "dark" : "light");
  addEventListener("DOMContentLoaded", () => {
    const button = document.querySelector("[data-theme-toggle]");
    if (!button) return;
    const show = () => button.setAttribute("aria-pressed", String(current() === "dark"));
    button.addEventListener("click", () => {
      const next = current() === "dark" ? "light" : "dark";
      const chosen = next === (system.matches ? "dark" : "light") ? undefined : next;
      if (chosen) root.dataset.theme = chosen;
      else delete root.dataset.theme;
      store(chosen);
      show();
    });
    system.addEventListener("change", show);
    show();
    button.hidden = false;
  });
})();
