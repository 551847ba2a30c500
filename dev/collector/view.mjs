// HTML rendering of the received messages, for a person looking at the collector.

/** How many records the page shows at most (the newest ones). */
export const VIEW_LIMIT = 500;

/**
 * Escapes text for use in HTML element content and quoted attribute values.
 * @param {unknown} value
 * @returns {string}
 */
export function escapeHtml(value) {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * The one-line description of a message: the event name for track, the page or
 * screen name, the userId for identify, the groupId for group, and
 * `previousId → userId` for alias.
 * @param {Record<string, any>} message
 * @returns {string}
 */
export function summarize(message) {
  switch (message.type) {
    case 'track':
      return String(message.event ?? '');
    case 'page':
    case 'screen':
      return String(message.name ?? message.properties?.title ?? message.properties?.path ?? '');
    case 'identify':
      return String(message.userId ?? '');
    case 'group':
      return String(message.groupId ?? '');
    case 'alias':
      return `${message.previousId ?? ''} → ${message.userId ?? ''}`;
    default:
      return '';
  }
}

/**
 * Renders the received-messages page. It reloads itself every 2 s unless the
 * reader has a message's JSON open.
 * @param {{ receivedAt: string, path: string, message: Record<string, any> }[]} recordsNewestFirst
 * @param {{ distinctMessageIds?: number, failingUntil?: number }} [info]
 * @returns {string} a complete HTML document
 */
export function renderView(recordsNewestFirst, { distinctMessageIds, failingUntil = 0 } = {}) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const { message } of recordsNewestFirst) {
    const type = String(message.type ?? '(none)');
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  const countItems = [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `<li><b>${escapeHtml(type)}</b>: ${n}</li>`)
    .join('');
  const shown = recordsNewestFirst.slice(0, VIEW_LIMIT);
  const rows = shown.map(renderRow).join('\n');
  const failing =
    failingUntil > Date.now()
      ? `<p class="fail">Failing tracking requests until ${escapeHtml(new Date(failingUntil).toISOString())}</p>`
      : '';
  const truncated =
    shown.length < recordsNewestFirst.length
      ? `<p>Showing the newest ${shown.length} of ${recordsNewestFirst.length}.</p>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Segment collector (${recordsNewestFirst.length})</title>
<noscript><meta http-equiv="refresh" content="2"></noscript>
<style>
body { font: 14px system-ui, sans-serif; margin: 1rem 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ddd; vertical-align: top; }
ul.counts { display: flex; gap: 1.5rem; list-style: none; padding: 0; }
pre { margin: 4px 0; max-width: 80vw; overflow: auto; background: #f6f6f6; padding: 6px; }
code { font-size: 12px; }
.fail { color: #b00; font-weight: bold; }
</style>
</head>
<body>
<h1>Received Segment messages</h1>
<p>Total: ${recordsNewestFirst.length}${
    distinctMessageIds === undefined ? '' : `, distinct messageIds: ${distinctMessageIds}`
  }. Newest first; refreshes every 2 s.</p>
<ul class="counts">${countItems}</ul>
${failing}${truncated}
<table>
<thead><tr><th>Received</th><th>Type</th><th>Event / name / user</th><th>userId</th><th>anonymousId</th><th>Path</th><th>Message</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="7">Nothing received yet.</td></tr>'}
</tbody>
</table>
<script>
setInterval(function () {
  if (!document.querySelector('details[open]')) location.reload();
}, 2000);
</script>
</body>
</html>
`;
}

/**
 * @param {{ receivedAt: string, path: string, message: Record<string, any> }} record
 * @returns {string}
 */
function renderRow({ receivedAt, path, message }) {
  const cells = [
    receivedAt,
    message.type,
    summarize(message),
    message.userId,
    message.anonymousId,
    path,
  ].map((value) => `<td>${escapeHtml(value)}</td>`);
  const json = escapeHtml(JSON.stringify(message, null, 2));
  const id = escapeHtml(message.messageId);
  return `<tr>${cells.join('')}<td><details><summary><code>${id}</code></summary><pre>${json}</pre></details></td></tr>`;
}
