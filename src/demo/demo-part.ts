/**
 * A part of the demo workspace that one command owns: its data files, its sources and settings in
 * gtm.yaml, its roster roles and ladder, and its planted ground truth (`data/_truth.json` under
 * `parts.<name>`). `generateDemo` merges the parts into the one demo workspace.
 */
export interface DemoPart extends DemoPartSettings {
  files: { path: string; content: string }[];
  truth: Record<string, unknown>;
}

/**
 * What a part puts into gtm.yaml and which files it writes: known from the options alone, so the
 * workspace's gtm.yaml can be written before the part's data is generated.
 */
export interface DemoPartSettings {
  name: string;
  /** The files the part writes (relative to the workspace), in the order of `DemoPart.files`. */
  paths: readonly string[];
  /** YAML list items appended under `sources:` (each item starts `  - name: …`). */
  sources: string;
  /** YAML appended under `roster.roles:` (4-space indent). */
  roles: string;
  /** YAML appended under `escalation:` (2-space indent), e.g. `  monitor-loyalty: [a, b, c]`. */
  escalation: string;
  /** YAML appended under `thresholds:` (2-space indent). */
  thresholds: string;
  /** Top-level YAML sections appended at the end (e.g. the command's own `loyalty:` section). */
  config: string;
  /** The usage line of the command's specification, run verbatim in the workspace. */
  usage: string;
}

/** What every part generator receives (the demo's seed and as-of day). */
export interface DemoPartOptions {
  seed: number;
  /** YYYY-MM-DD */
  asOf: string;
}
