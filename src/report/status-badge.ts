import type { Status } from './dashboard.ts';
import { STATUS_LABELS } from './dashboard.ts';

/**
 * A status as a coloured pill that always carries its word, so status never depends on colour.
 *
 * @example
 * statusBadge('warn'); // '<span class="badge badge-warn">Warning</span>'
 */
export const statusBadge = (status: Status): string =>
  `<span class="badge badge-${status}">${STATUS_LABELS[status]}</span>`;
