// @ts-check
// HTML rendering of the received messages, for a person looking at the collector.
// Everything it renders is bounded: a page of records, each cell cut to
// CELL_CHARS characters, each message's JSON cut to JSON_CHARS characters.

/** How many records one page of the view shows by default. */
export const VIEW_DEFAULT_LIMIT = 50;

/** How many records one page of the view shows at most (`?limit=`). */
export const VIEW_MAX_LIMIT = 500;

/** Longest text shown in one table cell, in characters. */
export const CELL_CHARS = 200;

/** Longest pretty-printed JSON shown for one message, in characters. */
export const JSON_CHARS = 8 * 1024;

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
 * screen name, the userId for identify, the groupId (and traits.name) for group, and
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
    case 'group': {
      const name = message.traits?.name;
      return `${String(message.groupId ?? '')}${typeof name === 'string' && name ? ` (${name})` : ''}`;
    }
    case 'alias':
      return `${message.previousId ?? ''} → ${message.userId ?? ''}`;
    default:
      return '';
  }
}

/**
 * Cuts `text` to `max` characters, marking the cut.
 * @param {string} text
 * @param {number} [max=CELL_CHARS]
 * @returns {string}
 */
export function truncate(text, max = CELL_CHARS) {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}

/**
 * Pretty-prints `value` as JSON (2-space indent), stopping once `max`
 * characters are written, so that a hostile message costs little to show.
 * @param {unknown} value a JSON value (as parsed, depth bounded by validation)
 * @param {number} [max=JSON_CHARS]
 * @returns {{ text: string, truncated: boolean }}
 */
export function boundedJson(value, max = JSON_CHARS) {
  /** @type {string[]} */
  const out = [];
  let length = 0;
  let full = false;
  /** @param {string} piece */
  const write = (piece) => {
    if (full) return;
    if (length + piece.length > max) {
      out.push(piece.slice(0, max - length));
      full = true;
      return;
    }
    out.push(piece);
    length += piece.length;
  };
  /** @param {unknown} v @param {string} indent */
  const walk = (v, indent) => {
    if (full) return;
    if (Array.isArray(v) || (typeof v === 'object' && v !== null)) {
      const entries = Array.isArray(v) ? v.map((item) => [undefined, item]) : Object.entries(v);
      if (entries.length === 0) {
        write(Array.isArray(v) ? '[]' : '{}');
        return;
      }
      const inner = `${indent}  `;
      write(Array.isArray(v) ? '[\n' : '{\n');
      entries.forEach(([key, item], i) => {
        if (full) return;
        write(inner + (key === undefined ? '' : `${JSON.stringify(key)}: `));
        walk(item, inner);
        write(i < entries.length - 1 ? ',\n' : '\n');
      });
      write(`${indent}${Array.isArray(v) ? ']' : '}'}`);
    } else {
      write(JSON.stringify(v) ?? 'null');
    }
  };
  walk(value, '');
  return { text: out.join(''), truncated: full };
}

/**
 * @typedef {object} ViewRecord
 * @property {number} seq the record's sequence number
 * @property {string} receivedAt
 * @property {string} path
 * @property {Record<string, any>} message
 */

/**
 * @typedef {object} ViewPage
 * @property {ViewRecord[]} records the records of this page, newest first
 * @property {number} total how many records the collector keeps
 * @property {number} offset the page's offset (newest first)
 * @property {number} limit the page size
 * @property {Map<string, number>} counts records kept, by message type
 * @property {number} [distinctMessageIds]
 * @property {number} [failingUntil] epoch ms until which tracking requests fail on purpose
 * @property {number} [dropped] records dropped to respect the memory bound
 * @property {string} [nonce] CSP nonce of the page's one script
 */

/**
 * Renders one page of the received-messages view. It reloads itself every 2 s
 * unless the reader has a message's JSON open or is past the first page.
 * @param {ViewPage} page
 * @returns {string} a complete HTML document
 */
export function renderView({ records, total, offset, limit, counts, distinctMessageIds, failingUntil = 0, dropped = 0, nonce = '' }) {
  const countItems = [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `<li class="t-${escapeHtml(type)}"><b>${escapeHtml(truncate(type, 40))}</b>: ${n}</li>`)
    .join('');
  const rows = records.map(renderRow).join('\n');
  const failing =
    failingUntil > Date.now()
      ? `<p class="fail">Failing tracking requests until ${escapeHtml(new Date(failingUntil).toISOString())}</p>`
      : '';
  const first = records.length ? offset + 1 : 0;
  const last = offset + records.length;
  const link = (/** @type {number} */ o, /** @type {string} */ label) => `<a href="/events?limit=${limit}&amp;offset=${o}">${label}</a>`;
  const nav = [
    offset > 0 ? link(Math.max(0, offset - limit), '← newer') : '',
    last < total ? link(last, 'older →') : '',
  ].filter(Boolean).join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Segment collector (${total})</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1rem 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ddd; vertical-align: top; }
td { overflow-wrap: anywhere; }
ul.counts { display: flex; gap: 1.5rem; list-style: none; padding: 0; }
pre { margin: 4px 0; max-width: 80vw; max-height: 40em; overflow: auto; background: #f6f6f6; padding: 6px; }
code { font-size: 12px; }
.fail { color: #b00; font-weight: bold; }
.type { font-weight: bold; border-radius: 4px; padding: 0 4px; }
td:nth-child(1), td:nth-child(2), td:nth-child(7) { white-space: nowrap; overflow-wrap: normal; }
tr.t-group .type, li.t-group { background: #e6f0ff; }
tr.t-identify .type, li.t-identify { background: #eaf7e6; }
</style>
</head>
<body>
<h1>Received Segment messages</h1>
<p>Kept: ${total}${distinctMessageIds === undefined ? '' : `, distinct messageIds: ${distinctMessageIds}`}${
    dropped ? `, ${dropped} older ones dropped (memory bound)` : ''
  }. Newest first; showing ${first}–${last}${nav ? ` (${nav})` : ''}; the first page refreshes every 2 s.
JSON: <a href="/events.json">/events.json</a> (<code>?limit=&amp;offset=</code>).</p>
<ul class="counts">${countItems}</ul>
${failing}
<table>
<thead><tr><th>Received</th><th>Type</th><th>Event / name / user / group</th><th>userId</th><th>anonymousId</th><th>Group</th><th>Path</th><th>Message</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="8">Nothing received yet.</td></tr>'}
</tbody>
</table>
${offset === 0 ? `<script nonce="${escapeHtml(nonce)}">
setInterval(function () {
  if (!document.querySelector('details[open]')) location.reload();
}, 2000);
</script>` : ''}
</body>
</html>
`;
}

/**
 * The group a message belongs to: its groupId for a group call, else context.groupId.
 * @param {Record<string, any>} message
 * @returns {unknown}
 */
function groupOf(message) {
  return message.type === 'group' ? message.groupId : message.context?.groupId;
}

/**
 * @param {ViewRecord} record
 * @returns {string}
 */
function renderRow({ seq, receivedAt, path, message }) {
  const type = String(message.type ?? '(none)');
  const cell = (/** @type {unknown} */ value) => `<td>${escapeHtml(truncate(value === undefined || value === null ? '' : String(value)))}</td>`;
  const { text, truncated } = boundedJson(message);
  const more = truncated
    ? `\n… cut at ${JSON_CHARS} characters; the whole message: <a href="/events.json?before=${seq + 1}&amp;limit=1">/events.json?before=${seq + 1}&amp;limit=1</a>`
    : '';
  const id = escapeHtml(truncate(String(message.messageId ?? ''), 100));
  return `<tr class="t-${escapeHtml(truncate(type, 40))}">${cell(receivedAt)}<td><span class="type">${escapeHtml(truncate(type, 40))}</span></td>${cell(
    summarize(message),
  )}${cell(message.userId)}${cell(message.anonymousId)}${cell(groupOf(message))}${cell(path)}<td><details><summary><code>${id}</code></summary><pre>${escapeHtml(
    text,
  )}${more}</pre></details></td></tr>`;
}
