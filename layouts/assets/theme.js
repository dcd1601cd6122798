// The theme toggle, a deferred module. The saved theme is already on <html> before the first paint: a two-statement
// inline script in <head> (src/page/theme-init.ts), allowed by its hash in the CSP, puts it there (README, "Themes").
// Without a saved choice the system preference decides (site.css); choosing the system's own theme forgets the choice.
(() => {
  const root = document.documentElement;
  const system = matchMedia("(prefers-color-scheme: dark)");
  const store = (value) => {
    try {
      if (value) localStorage.setItem("theme", value);
      else localStorage.removeItem("theme");
    } catch {}
  };
  const current = () => root.dataset.theme || (system.matches ? "dark" : "light");
  {
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
  }
})();
