import { createHash } from "node:crypto";

/**
 * The few statements that must run before the first paint: the reader's saved theme onto <html>, so a page never
 * flashes the other theme. Inline in <head>, it costs no request (no render-blocking script file); the page's
 * Content-Security-Policy allows exactly this text by its hash (`themeInit.hash`), no other inline script. The toggle
 * itself is a deferred module (layouts/assets/site.js).
 */
const code = `try{var t=localStorage.getItem("theme");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;

/** A CSP source expression for an inline script: `'sha256-<base64>'` of its exact text. */
export const cspHash = (script: string): string => `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;

/** The inline theme script and the CSP source that allows it. */
export const themeInit = Object.freeze({ code, hash: cspHash(code) });
