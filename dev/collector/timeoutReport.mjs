// @ts-check
import { summarize } from './view.mjs';
import { isTrackingPath } from './validate.mjs';

/** @typedef {import('./collector.mjs').MessageRecord} MessageRecord */
/** @typedef {import('./collector.mjs').RequestRecord} RequestRecord */

/**
 * The error text of a timed-out waitFor: what arrived, and what was rejected.
 * @param {number} timeoutMs
 * @param {MessageRecord[]} records
 * @param {RequestRecord[]} requestLog
 * @returns {string}
 */
export function timeoutReport(timeoutMs, records, requestLog) {
  const shown = records.slice(-20);
  let listed = '.';
  if (records.length) listed = shown.length < records.length ? ` (last ${shown.length} shown):` : ':';
  const lines = [
    `waitFor timed out after ${timeoutMs} ms; ${records.length} message(s) arrived${listed}`,
    ...shown.map(({ receivedAt, path, message: m }) => {
      const who = m.userId ? `userId=${m.userId}` : `anonymousId=${m.anonymousId}`;
      return `  ${receivedAt} ${path} ${m.type} ${JSON.stringify(summarize(m))} ${who} messageId=${m.messageId}`;
    }),
  ];
  const rejected = requestLog.filter((r) => r.status >= 400 && isTrackingPath(r.path)).slice(-10);
  if (rejected.length) {
    lines.push('Rejected tracking requests (latest):');
    for (const r of rejected) lines.push(`  ${r.receivedAt} ${r.method} ${r.path} -> ${r.status}: ${r.error ?? ''}`);
  }
  return lines.join('\n');
}
