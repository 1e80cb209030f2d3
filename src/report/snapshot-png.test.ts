import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { renderDashboardHtml } from './render-dashboard-html.ts';
import { HOSTILE, sampleDashboard } from './sample-dashboard.fixture.ts';
import { chromiumPath, hasChromium, snapshotPng } from './snapshot-png.ts';

const available = await hasChromium();
const missingMessage =
  `Chromium not found at ${chromiumPath()} but CI is set: the PNG and in-browser tests must run in CI. ` +
  'Install it (apt-get install -y --no-install-recommends chromium) or set GTM_CHROMIUM.';

interface DomProbe {
  scripts: string[];
  handlers: string[];
  external: number;
  title: string;
  h1: string | undefined;
  specs: unknown[];
}

/** Runs in the page (a string, because this project compiles without the DOM library). */
const DOM_PROBE = `(() => ({
  scripts: [...document.scripts].map((s) => s.type || 'classic'),
  handlers: [...document.querySelectorAll('*')].flatMap((el) =>
    [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => el.tagName + '.' + a.name)),
  external: document.querySelectorAll('[src], link[href], image, iframe, object, embed').length,
  title: document.title,
  h1: document.querySelector('h1')?.textContent,
  specs: [...document.querySelectorAll('script.vega-lite-spec')].map((s) => JSON.parse(s.textContent ?? 'null')),
}))()`;

let tmp: string;
let htmlPath: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gtm-snapshot-'));
  htmlPath = path.join(tmp, 'dashboard.html');
  await writeFile(htmlPath, await renderDashboardHtml(sampleDashboard()));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('snapshotPng without Chromium', () => {
  it('fails with an IO error that says how to install it', async () => {
    const err = await snapshotPng(htmlPath, path.join(tmp, 'x.png'), {
      executablePath: path.join(tmp, 'no-chromium'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GtmError);
    expect((err as GtmError).code).toBe('IO');
    expect((err as GtmError).oneLine()).toContain(
      'apt-get install -y --no-install-recommends chromium, or set GTM_CHROMIUM',
    );
  });
});

describe.runIf(!available && process.env.CI)('Chromium in CI', () => {
  it('is installed', () => {
    throw new Error(missingMessage);
  });
});

describe.skipIf(!available)('with Chromium', () => {
  it('writes a full-page PNG of the dashboard', async () => {
    const png = path.join(tmp, 'out', 'dashboard.png');
    await snapshotPng(htmlPath, png);
    const bytes = await readFile(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    expect(width).toBe(1200);
    expect(height).toBeGreaterThan(2000);
  });

  it('writes nothing in the home folder (Chromium keeps its per-user folders in its temporary profile)', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'gtm-snapshot-home-'));
    const saved = {
      HOME: process.env.HOME,
      XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME,
      XDG_CACHE_HOME: process.env.XDG_CACHE_HOME,
    };
    process.env.HOME = home;
    delete process.env.XDG_CONFIG_HOME;
    delete process.env.XDG_CACHE_HOME;
    try {
      await snapshotPng(htmlPath, path.join(tmp, 'home-check', 'dashboard.png'));
      // before: ~/.config/chromium/Crash Reports/settings.dat and ~/.cache/dconf/user
      expect(await readdir(home)).toEqual([]);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await rm(home, { recursive: true, force: true });
    }
  });

  it('in a real browser: runs no injected code, loads nothing, obeys its CSP and sorts tables', async () => {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'gtm-chromium-test-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    try {
      const requests: string[] = [];
      const problems: string[] = [];
      context.on('request', (r) => requests.push(r.url()));
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('dialog', (dlg) => {
        problems.push(`dialog: ${dlg.message()}`);
        void dlg.dismiss();
      });
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console: ${msg.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });

      const dom = (await page.evaluate(DOM_PROBE)) as DomProbe;
      const charts = sampleDashboard()
        .sections.flatMap((s) => s.blocks)
        .filter((b) => b.kind === 'chart');
      expect(dom.scripts).toEqual([...charts.map(() => 'application/json'), 'classic']);
      expect(dom.handlers).toEqual([]);
      expect(dom.external).toBe(0);
      expect(dom.title).toContain(HOSTILE.script);
      expect(dom.h1).toContain(HOSTILE.script);
      expect(dom.specs).toEqual(
        charts.map((c) => JSON.parse(JSON.stringify(c.kind === 'chart' ? c.spec : null))),
      );

      // Sorting by Revenue (ascending, then descending) reorders the partner rows.
      const table = page.locator('#table-1 table');
      const partners = () => table.locator('tbody tr td:nth-child(2)').allTextContents();
      await table.locator('th', { hasText: 'Revenue' }).locator('button').click();
      expect(await partners()).toEqual([
        '"onload="alert(1)',
        'Fabrikam',
        HOSTILE.script,
        'Contoso',
        'Northwind',
      ]);
      await table.locator('th', { hasText: 'Revenue' }).locator('button').click();
      expect((await partners())[0]).toBe('Northwind');
      // Missing attainment (no target) stays last in both directions.
      await table.locator('th', { hasText: 'Attainment' }).locator('button').click();
      expect((await partners()).at(-1)).toBe('"onload="alert(1)');

      expect(problems).toEqual([]);
      expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});
