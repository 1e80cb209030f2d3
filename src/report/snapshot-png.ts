import { createRequire } from 'node:module';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import type { BrowserContext, BrowserType } from 'playwright-core';
import { GtmError } from '../errors/index.ts';
import { SnapshotThread, snapshotError } from './snapshot-thread.ts';

export interface SnapshotOptions {
  /** Chromium binary. Default: `$GTM_CHROMIUM`, else `/usr/bin/chromium`. */
  executablePath?: string;
  /** Viewport width in CSS pixels (the height follows the page). Default 1200. */
  width?: number;
  /** Device pixel ratio; 2 gives a sharper, four times larger image. Default 1. */
  scale?: number;
  /** Milliseconds for launching Chromium and loading the page. Default 60000. */
  timeoutMs?: number;
  /** Viewport height: the image is at least this tall (the full page when longer). Default 800. */
  height?: number;
  /** CSS added for the picture only (e.g. hide the table of contents so charts rise above the fold). */
  css?: string;
}

const INSTALL_HINT =
  'install chromium: apt-get install -y --no-install-recommends chromium, or set GTM_CHROMIUM';

/** Flags for a quiet, offline, headless run (the profile directory is passed by Playwright). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Chromium's environment: the user's, with its per-user folders inside the temporary profile.
 * Even with a profile of its own, Chromium writes crash-report settings under
 * `$XDG_CONFIG_HOME/chromium` (`~/.config`) and GTK's dconf cache under `$XDG_CACHE_HOME`
 * (`~/.cache`): a snapshot must write nothing outside the output folder and its temporary profile.
 */
export function chromiumEnv(profile: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  out.XDG_CONFIG_HOME = path.join(profile, 'xdg-config');
  out.XDG_CACHE_HOME = path.join(profile, 'xdg-cache');
  out.XDG_DATA_HOME = path.join(profile, 'xdg-data');
  return out;
}

/** The Chromium binary a snapshot would use: option, then `GTM_CHROMIUM`, then `/usr/bin/chromium`. */
export function chromiumPath(executablePath?: string): string {
  return executablePath || process.env.GTM_CHROMIUM || '/usr/bin/chromium';
}

/** Whether that binary exists and is executable. */
export async function hasChromium(executablePath?: string): Promise<boolean> {
  return access(chromiumPath(executablePath), constants.X_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Whether playwright-core (an optional peer dependency: `npm install gtm-analytics` does not bring
 * it) can be loaded, without loading it.
 */
export function hasPlaywrightCore(): boolean {
  try {
    createRequire(import.meta.url).resolve('playwright-core');
    return true;
  } catch {
    return false;
  }
}

/** One picture of the page: where it goes, its width, its minimum height and CSS for it alone. */
export interface Shot {
  png: string;
  width: number;
  /** The image is at least this tall (the full page when longer). Default 800. */
  height?: number;
  /** CSS added for this picture only (applied on top of the page, in order). */
  css?: string;
}

/**
 * Takes full-page PNGs of a local HTML file with headless Chromium (through playwright-core,
 * driving the system Chromium: nothing is downloaded), one launch and one page load for all the
 * shots. The page may load nothing but `file:` and `data:` URLs. Each PNG is written atomically.
 *
 * @throws GtmError `IO` when Chromium or playwright-core is missing, or the page cannot be captured.
 */
export async function snapshotPngs(
  htmlPath: string,
  shots: readonly Shot[],
  options: SnapshotOptions = {},
): Promise<void> {
  const executablePath = chromiumPath(options.executablePath);
  if (!(await hasChromium(executablePath))) {
    throw new GtmError('IO', `Chromium not found at ${executablePath}; cannot take the PNG snapshot`, {
      where: executablePath,
      hint: INSTALL_HINT,
    });
  }
  const htmlFile = path.resolve(htmlPath);
  await access(htmlFile, constants.R_OK).catch((cause: unknown) => {
    throw new GtmError('IO', `cannot read ${htmlFile} for the PNG snapshot`, { where: htmlFile, cause });
  });
  const timeout = options.timeoutMs ?? 60_000;
  const scale = options.scale ?? 1;
  const thread = takePrelaunchedThread(executablePath, scale);
  if (thread) {
    // Chromium started in a snapshot thread: the pictures are taken there (if the thread itself
    // failed, here as usual)
    const reply = await thread.shoot(htmlFile, shots, options).catch(() => undefined);
    if (reply?.error) throw snapshotError(reply.error);
    if (reply) return;
  }
  const first = {
    width: shots[0]?.width ?? options.width ?? 1200,
    height: shots[0]?.height ?? options.height ?? 800,
  };
  const early = takePrelaunched(executablePath, scale);
  let reused: Launched | undefined;
  let launched: Launched | undefined;
  try {
    // a Chromium started by prelaunchChromium when there is one (it failed: launch one now)
    reused = await early?.launched.catch(() => undefined);
    launched = reused ?? (await launch(executablePath, scale, first, timeout));
    const context = launched.context;
    // the pre-launched page has its own size: lay the page out as for the first shot
    if (reused) await context.pages()[0]?.setViewportSize(first);
    await context.route('**/*', (route) => {
      const url = route.request().url();
      return url.startsWith('file:') || url.startsWith('data:') ? route.continue() : route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load', timeout });
    for (const shot of shots) {
      await page.setViewportSize({ width: shot.width, height: shot.height ?? options.height ?? 800 });
      if (shot.css) await page.addStyleTag({ content: shot.css });
      const png = await page.screenshot({ fullPage: true, type: 'png', animations: 'disabled', timeout });
      const target = path.resolve(shot.png);
      await mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.${process.pid}.tmp`;
      await writeFile(temp, png);
      await rename(temp, target);
    }
  } catch (cause) {
    if (cause instanceof GtmError) throw cause;
    throw new GtmError('IO', `PNG snapshot failed: ${(cause as Error).message.split('\n')[0]}`, {
      where: htmlFile,
      hint: `check that ${executablePath} starts (run it with --version); ${INSTALL_HINT}`,
      cause,
    });
  } finally {
    // a pre-launched Chromium closes while the caller goes on (its release waits for that)
    if (early && reused) early.closing = reused.close();
    else await launched?.close();
  }
}

/** A running Chromium: its persistent context, and how to close it and remove its profile. */
interface Launched {
  executablePath: string;
  scale: number;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium (offline, headless, a fresh temporary profile) through playwright-core. */
async function launch(
  executablePath: string,
  scale: number,
  viewport: { width: number; height: number },
  timeout: number,
): Promise<Launched> {
  let chromium: BrowserType;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (cause) {
    throw new GtmError('IO', 'playwright-core is not installed; cannot take the PNG snapshot', {
      hint: 'npm install playwright-core (it drives the system Chromium; no browser download is needed)',
      cause,
    });
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'gtm-chromium-'));
  const removeProfile = () => rm(profile, { recursive: true, force: true }).catch(() => undefined);
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      env: chromiumEnv(profile),
      viewport,
      deviceScaleFactor: scale,
      timeout,
      offline: true,
    });
    return {
      executablePath,
      scale,
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        await removeProfile();
      },
    };
  } catch (cause) {
    await removeProfile();
    throw cause;
  }
}

/** The snapshot thread started ahead of the first snapshot, until a snapshot takes it. */
let prelaunchedThread: { executablePath: string; scale: number; thread: SnapshotThread } | undefined;

function takePrelaunchedThread(executablePath: string, scale: number): SnapshotThread | undefined {
  const p = prelaunchedThread;
  if (!p || p.executablePath !== executablePath || p.scale !== scale) return undefined;
  prelaunchedThread = undefined;
  return p.thread;
}

/** The Chromium started ahead of the first snapshot in this thread, until a snapshot takes it. */
interface Prelaunched {
  executablePath: string;
  scale: number;
  launched: Promise<Launched>;
  /** Set by the snapshot that took it: Chromium closing after the pictures were written. */
  closing?: Promise<void>;
}
let prelaunched: Prelaunched | undefined;

function takePrelaunched(executablePath: string, scale: number): Prelaunched | undefined {
  const p = prelaunched;
  if (!p || p.executablePath !== executablePath || p.scale !== scale) return undefined;
  prelaunched = undefined;
  return p;
}

/**
 * Starts Chromium now, so that its start-up overlaps other work: the next `snapshotPngs` with the
 * same binary and scale uses it instead of launching one (and closes it as usual). From the main
 * thread, Chromium is driven from a worker thread (loading playwright-core, the launch, the page
 * load and the screenshots then take no time of the main thread). Returns a function that closes
 * it if no snapshot took it; call it when the work is done. Failing to start is not an error here:
 * the snapshot then launches (and reports) as it would have.
 *
 * @example
 * const release = prelaunchChromium();
 * try { await runCommandThatSnapshots(); } finally { await release(); }
 */
export function prelaunchChromium(options: SnapshotOptions = {}): () => Promise<void> {
  const executablePath = chromiumPath(options.executablePath);
  const scale = options.scale ?? 1;
  if (isMainThread) {
    let thread: SnapshotThread;
    try {
      thread = new SnapshotThread({ ...options, executablePath, scale });
    } catch {
      return () => Promise.resolve(); // no worker thread: the snapshot launches Chromium itself
    }
    const entry = { executablePath, scale, thread };
    void prelaunchedThread?.thread.close();
    prelaunchedThread = entry;
    return async () => {
      if (prelaunchedThread === entry) prelaunchedThread = undefined;
      await thread.close(); // or, when a snapshot took it, wait until Chromium is closed
    };
  }
  const launched = launch(
    executablePath,
    scale,
    { width: options.width ?? 1200, height: options.height ?? 800 },
    options.timeoutMs ?? 60_000,
  );
  launched.catch(() => undefined);
  const entry: Prelaunched = { executablePath, scale, launched };
  if (prelaunched)
    void prelaunched.launched.then(
      (l) => l.close(),
      () => undefined,
    );
  prelaunched = entry;
  return async () => {
    if (prelaunched !== entry) return entry.closing; // a snapshot took it: wait until it is closed
    prelaunched = undefined;
    await launched.then(
      (l) => l.close(),
      () => undefined,
    );
  };
}

/**
 * Takes a full-page PNG of a local HTML file (see `snapshotPngs`).
 *
 * @example await snapshotPng('reports/track-source/run-1/dashboard.html', 'reports/track-source/run-1/dashboard.png', { width: 1280 });
 */
export async function snapshotPng(
  htmlPath: string,
  pngPath: string,
  options: SnapshotOptions = {},
): Promise<void> {
  await snapshotPngs(
    htmlPath,
    [{ png: pngPath, width: options.width ?? 1200, height: options.height, css: options.css }],
    options,
  );
}
