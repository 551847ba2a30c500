import { InfoCard } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { useEffect, useState } from 'react';
import { GroupsSent } from './GroupsSent';

type Received = { seq?: number; receivedAt: string; path: string; message: { [key: string]: any } };

/** How many of the newest messages the card lists. */
const SHOWN = 30;

function describe(message: Received['message']): string {
  if (message.type === 'track') return `track "${message.event}"`;
  if (message.type === 'page') return `page ${message.properties?.path ?? ''}`;
  if (message.type === 'identify') return `identify ${message.userId}`;
  if (message.type === 'group') {
    const name = message.traits?.name ? ` (${message.traits.name})` : '';
    return `group ${message.groupId}${name}`;
  }
  return String(message.type);
}

/**
 * What the embedded collector received, newest first, polled every second.
 * The collector is where the module fetches settings from (`cdnURL`) in the
 * harness; with a real write key there is no collector to show.
 */
export const ReceivedEvents = () => {
  const config = useApi(configApiRef);
  const collector = config.getOptionalString('app.analytics.segment.cdnURL');
  const [received, setReceived] = useState<Received[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!collector) return undefined;
    let stopped = false;
    const poll = async () => {
      try {
        // The collector's default page: its newest 100 messages, at most 2 MB.
        const response = await fetch(`${collector}/events.json`);
        const body = await response.json();
        if (!response.ok) throw new Error(body?.message ?? `HTTP ${response.status}`);
        if (!stopped) {
          setReceived(body.messages);
          setTotal(typeof body.total === 'number' ? body.total : body.messages.length);
          setError(undefined);
        }
      } catch (e) {
        if (!stopped) setError(String(e));
      }
    };
    void poll();
    const timer = setInterval(poll, 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [collector]);

  if (!collector && config.getOptionalString('app.analytics.segment.delivery') === 'backend') {
    return (
      <InfoCard title="Received">
        Events go through the Backstage backend ({config.getOptionalString('backend.baseUrl')}/api/segment-analytics), which
        forwards them. With <code>npm start -- --backend</code> its upstream is the embedded collector: open the events URL
        printed in the terminal.
      </InfoCard>
    );
  }
  if (!collector) {
    return <InfoCard title="Received">Events go to Segment (no embedded collector configured).</InfoCard>;
  }
  return (
    <InfoCard title={`Received by the collector (${total})`}>
      <p>
        Full view: <a href={`${collector}/events`}>{collector}/events</a>
        {error && <span style={{ color: 'crimson' }}> — collector unreachable: {error}</span>}
      </p>
      <GroupsSent messages={received.map(r => r.message)} />
      <ol data-testid="received" style={{ fontFamily: 'monospace', fontSize: 13, paddingLeft: 20 }}>
        {received.slice(0, SHOWN).map(r => (
          <li key={r.seq ?? `${r.message.messageId}-${r.receivedAt}`}>
            <b>{describe(r.message).slice(0, 80)}</b> —{' '}
            {String(r.message.userId ?? `anonymous ${r.message.anonymousId}`).slice(0, 80)}
            {r.message.properties?.subject && <> — subject: {String(r.message.properties.subject).slice(0, 60)}</>}
            {r.message.type !== 'group' && r.message.context?.groupId && <> — group: {String(r.message.context.groupId).slice(0, 24)}</>}
          </li>
        ))}
      </ol>
    </InfoCard>
  );
};
