import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium; the project never downloads browsers. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Why browser tests must be skipped here, or undefined when they can run (in CI they always run). */
export function chromiumMissing(): string | undefined {
  if (existsSync(chromiumPath) || process.env.CI) return undefined;
  return `browser tests skipped: ${chromiumPath} not found (apt-get install -y chromium)`;
}

/** Launches headless Chromium with a fresh temporary profile and no background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
