/**
 * Every command's dashboard, as written by its specification's usage line in the demo workspace,
 * opened in headless Chromium: no console errors, no network request, every chart drawn (an SVG
 * with marks), tables sortable; and its PNG snapshots produced, not blank, of the configured width.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USAGE_LINES } from '../../src/cli/commands/demo.ts';
import { COMMANDS } from '../../src/cli/registry.ts';
import { chromiumPath, hasChromium } from '../../src/report/index.ts';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { pngInfo } from '../helpers/png-info.ts';
import { runCli } from '../helpers/run-cli.ts';

const available = await hasChromium();
if (!available && process.env.CI)
  throw new Error(
    `Chromium not found at ${chromiumPath()} but CI is set: install it (apt-get install -y --no-install-recommends chromium)`,
  );
const commands = Object.keys(DEMO_USAGE_LINES).filter((name) =>
  COMMANDS.some((c) => c.name === name && c.run),
);

let demo: DemoWorkspace;
let context: BrowserContext;
const reports: Record<
  string,
  { dir: string; snapshot?: { file: string; width: number; narrow: { file: string; width: number } } }
> = {};

beforeAll(async () => {
  if (!available) return;
  demo = await makeDemoWorkspace();
  for (const name of commands) {
    const r = await runCli(['run', `${DEMO_USAGE_LINES[name]} --snapshot`, '--as-of', DEMO_AS_OF, '--json'], {
      cwd: demo.dir,
    });
    if (r.code !== 0 && r.code !== 10) throw new Error(`${name} exited ${r.code}: ${r.stderr}`);
    const result = r.json<{ reports_dir: string; snapshot?: (typeof reports)[string]['snapshot'] }>();
    reports[name] = { dir: path.join(demo.dir, result.reports_dir), snapshot: result.snapshot };
  }
  context = await chromium.launchPersistentContext('', {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    offline: true,
  });
}, 600_000);
afterAll(async () => {
  await context?.close();
  await demo?.remove();
});

/** Runs in the page (a string: this project compiles without the DOM library). */
const PROBE = `(() => ({
  charts: [...document.querySelectorAll('.chart')].map((c) => ({
    svg: !!c.querySelector('svg'),
    marks: c.querySelectorAll('svg path, svg rect, svg circle, svg line, svg symbol, svg text').length,
  })),
  sortable: document.querySelectorAll('table.sortable th button').length,
}))()`;

describe.skipIf(!available).each(commands)('%s dashboard in Chromium', (name) => {
  it('loads with no console error and no network request; every chart is drawn; tables sort', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (!url.startsWith('file:')) requests.push(url);
      return url.startsWith('file:') ? route.continue() : route.abort();
    });
    await page.goto(pathToFileURL(path.join(reports[name].dir, 'dashboard.html')).href, {
      waitUntil: 'load',
    });
    const probe = (await page.evaluate(PROBE)) as {
      charts: { svg: boolean; marks: number }[];
      sortable: number;
    };
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(probe.charts.length).toBeGreaterThan(0);
    for (const c of probe.charts) {
      expect(c.svg).toBe(true);
      expect(c.marks).toBeGreaterThan(0);
    }
    expect(probe.sortable).toBeGreaterThan(0);
    const header = page.locator('table.sortable th button').first();
    await header.click();
    const sorted = await page.evaluate(
      `document.querySelector('table.sortable th[aria-sort]')?.getAttribute('aria-sort')`,
    );
    expect(['ascending', 'descending']).toContain(sorted);
    await page.close();
  });

  it('writes dashboard.png and the narrow one, not blank, at the configured widths', () => {
    const snap = reports[name].snapshot;
    expect(snap).toEqual({
      file: 'dashboard.png',
      width: 1280,
      narrow: { file: 'dashboard-narrow.png', width: 800 },
    });
    for (const [file, width] of [
      [snap!.file, snap!.width],
      [snap!.narrow.file, snap!.narrow.width],
    ] as const) {
      const p = path.join(reports[name].dir, file);
      expect(existsSync(p), file).toBe(true);
      const info = pngInfo(readFileSync(p));
      expect(info.width, file).toBe(width);
      expect(info.height, file).toBeGreaterThan(200);
      expect(info.colours, file).toBeGreaterThan(4);
    }
  });
});
