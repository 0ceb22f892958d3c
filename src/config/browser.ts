import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Debian's Chromium: the binary itself, not the /usr/bin wrapper script (which breaks Playwright's flags). */
const SYSTEM_CHROMIUMS = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export interface BrowserChoice {
  executablePath?: string;
  source: 'env' | 'playwright' | 'system';
}

/**
 * Finds a Chromium: `ROLLGATE_CHROMIUM`, then Playwright's own download, then the system's.
 * Returns undefined when there is none, so callers can explain how to install one.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): BrowserChoice | undefined {
  if (env.ROLLGATE_CHROMIUM)
    return existsSync(env.ROLLGATE_CHROMIUM)
      ? { executablePath: env.ROLLGATE_CHROMIUM, source: 'env' }
      : undefined;
  try {
    if (existsSync(chromium.executablePath())) return { source: 'playwright' };
  } catch {
    // Playwright throws when its browser registry knows no build for this platform.
  }
  const system = SYSTEM_CHROMIUMS.find((p) => existsSync(p));
  return system ? { executablePath: system, source: 'system' } : undefined;
}

export const NO_BROWSER_HELP =
  'no Chromium found. Install one: `sudo apt-get install -y chromium` (Debian/Ubuntu), or `npx playwright install chromium` where downloads are allowed, or set ROLLGATE_CHROMIUM to a Chromium binary.';
