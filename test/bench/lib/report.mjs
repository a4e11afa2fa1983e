// The bench's output: a plain-text table for the terminal, a markdown table for the README,
// and the rows as JSON (test-results/bench.json).

/**
 * Does a median meet its budget? null when the figure has no budget (anchors are informative).
 * `==` is stricter: every run must equal the value (a count that must be 0, not mostly 0).
 */
export function verdict(row) {
  if (row.error) return row.budget ? false : null;
  if (!row.budget || !row.stats) return null;
  const value = row.stats.median;
  if (row.budget.op === '==') return row.stats.min === row.budget.value && row.stats.max === row.budget.value;
  return row.budget.op === '>=' ? value >= row.budget.value : value <= row.budget.value;
}

export function formatValue(value, unit) {
  if (value === undefined || value === null || Number.isNaN(value)) return '-';
  switch (unit) {
    case 'events/s':
      return value >= 1000 ? `${(value / 1000).toFixed(1)}k` : value.toFixed(0);
    case 'ratio':
      return `${(value * 100).toFixed(0)}%`;
    case 'us':
      return value < 10 ? value.toFixed(3) : value.toFixed(1);
    case 'ms':
      return value < 10 ? value.toFixed(2) : value.toFixed(1);
    case 'MB':
    case 'KB':
      return value.toFixed(1);
    default:
      return String(Math.round(value * 100) / 100);
  }
}

function budgetText(row) {
  if (!row.budget) return row.anchor ? `(anchor ${row.anchor})` : '';
  return `${row.budget.op} ${formatValue(row.budget.value, row.unit)} ${row.unit === 'ratio' ? '' : row.unit}`.trim();
}

function resultText(row) {
  const ok = verdict(row);
  if (row.error) return 'ERROR';
  return ok === null ? '' : ok ? 'pass' : 'FAIL';
}

function cells(row) {
  const s = row.stats;
  const unit = row.unit === 'ratio' ? '' : row.unit;
  return [
    row.label,
    row.error ? `error: ${row.error.split('\n')[0].slice(0, 60)}` : formatValue(s.median, row.unit),
    row.error ? '' : formatValue(s.min, row.unit),
    row.error ? '' : formatValue(s.max, row.unit),
    unit,
    budgetText(row),
    resultText(row),
  ];
}

const HEADER = ['Figure', 'Median', 'Min', 'Max', 'Unit', 'Budget', 'Result'];

export function textTable(rows) {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, c) => Math.max(...table.map((r) => String(r[c]).length)));
  const line = (r) =>
    r
      .map((cell, c) => String(cell).padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}

export function markdownTable(rows) {
  const escape = (cell) => String(cell).replace(/\|/g, '\\|');
  return [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${cells(row).map(escape).join(' | ')} |`),
  ].join('\n');
}
