import { createHash } from 'node:crypto';

/**
 * The page's only script: click a column header to sort a `table.sortable` (numbers by their
 * `data-v` value, text case-insensitively, blanks last). It reads nothing from outside the table
 * and is allowed by hash in the page's Content-Security-Policy.
 */
export const SORTABLE_TABLE_SCRIPT = `(() => {
  for (const table of document.querySelectorAll('table.sortable')) {
    const head = table.tHead && table.tHead.rows[0];
    if (!head) continue;
    Array.from(head.cells).forEach((th, col) => {
      const button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        for (const other of head.cells) other.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const body = table.tBodies[0];
        const key = (row) => {
          const cell = row.cells[col];
          if (cell.hasAttribute('data-v')) {
            const v = cell.getAttribute('data-v');
            return v === '' ? null : Number(v);
          }
          const t = cell.textContent.trim().toLowerCase();
          return t === '' || t === '\\u2014' ? null : t;
        };
        const rows = Array.from(body.rows).map((row, i) => ({ row, i, k: key(row) }));
        rows.sort((a, b) => {
          if (a.k === null || b.k === null) return a.k === b.k ? a.i - b.i : a.k === null ? 1 : -1;
          const r = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
          return (ascending ? r : -r) || a.i - b.i;
        });
        for (const { row } of rows) body.appendChild(row);
      });
    });
  }
})();`;

/** The CSP source that allows exactly `SORTABLE_TABLE_SCRIPT` and nothing else. */
export const SORTABLE_TABLE_SCRIPT_HASH = `'sha256-${createHash('sha256').update(SORTABLE_TABLE_SCRIPT).digest('base64')}'`;
