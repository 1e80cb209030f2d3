/**
 * Channel names read as direct traffic when the caller names none (compared case-insensitively):
 * `direct`, and Google Analytics' `(direct)` source and `(direct) / (none)` source / medium as its
 * exports write them. A path of GA sources would otherwise keep `(direct)` as a channel like any
 * other: last-non-direct credited it, and `--direct drop` left it in.
 */
export const DEFAULT_DIRECT_CHANNELS: readonly string[] = ['direct', '(direct)', '(direct) / (none)'];

/** The lower-cased set of direct channel names: the caller's, else the defaults. */
export function directNameSet(names: readonly string[] | undefined): Set<string> {
  return new Set((names ?? DEFAULT_DIRECT_CHANNELS).map((d) => d.toLowerCase()));
}
