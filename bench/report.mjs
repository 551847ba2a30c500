// @ts-check
// Formatting of the printed results.
import { spread } from './stats.mjs';

/**
 * A figure over the runs: "median (min–max)", or the bare value when all runs agree.
 * @param {number[] | undefined} values
 */
export function cell(values, digits = 0, unit = '') {
  if (values === undefined || values.length === 0) return '—';
  const { median, min, max } = spread(values);
  const f = (/** @type {number} */ x) => x.toFixed(digits);
  return min === max ? `${f(median)}${unit}` : `${f(median)}${unit} (${f(min)}–${f(max)})`;
}

/** Ratio of the medians, module / naive. @param {number[]} moduleValues @param {number[]} naiveValues */
export function ratio(moduleValues, naiveValues) {
  const a = spread(moduleValues).median;
  const b = spread(naiveValues).median;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
  const r = a / b;
  if (r >= 10 || r === 0) return r.toFixed(0);
  return r >= 0.1 ? r.toFixed(2) : r.toFixed(4);
}

/**
 * Prints a table: first row is the header, string rows are printed as they are (section rules).
 * @param {Array<Array<string | number> | string>} rows
 */
export function printTable(rows) {
  const real = rows.filter(row => Array.isArray(row)).map(row => /** @type {Array<string | number>} */ (row));
  const widths = real[0].map((_, i) => Math.max(...real.map(row => String(row[i]).length)));
  const line = (/** @type {Array<string | number>} */ row) => row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  const rule = '-'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  console.log(line(real[0]));
  console.log(rule);
  for (const row of rows.slice(1)) {
    if (typeof row === 'string') console.log(`${row}`);
    else console.log(line(row));
  }
  console.log(rule);
}

/** @param {number} bytes */
export const kb = bytes => `${(bytes / 1024).toFixed(2)} KB`;
