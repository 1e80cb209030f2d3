/** The separator ChannelAttribution's and fractribution's example data use between channels. */
export const DEFAULT_PATH_SEPARATOR = ' > ';

/**
 * A path as text, channels joined by the separator.
 *
 * @example
 * formatPath(['email', 'search']); // 'email > search'
 */
export function formatPath(path: readonly string[], separator: string = DEFAULT_PATH_SEPARATOR): string {
  return path.join(separator);
}
