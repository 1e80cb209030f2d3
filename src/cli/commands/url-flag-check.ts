/**
 * The check of a flag that takes a ClickHouse server's URL (`--clickhouse`, `--allow-clickhouse`):
 * an http:// or https:// URL with a host; a refused value is quoted with its secrets masked
 * (`scrubUrlSecrets`: a password or a credential parameter never reaches the error line).
 */
import { scrubUrlSecrets } from '../../data/url-secrets.ts';

/** An http:// or https:// URL with a host. */
export const isHttpUrl = (url: string): boolean => /^https?:\/\/[^\s/]+/i.test(url);

/** A refused URL as an error line quotes it: in double quotes, its secrets masked. */
export const quotedUrl = (url: string): string => `"${scrubUrlSecrets(url)}"`;

/** `check` of a flag taking one URL. */
export const checkHttpUrl = (url: string): string | undefined =>
  isHttpUrl(url) ? undefined : `must be an http:// or https:// URL, got ${quotedUrl(url)}`;
