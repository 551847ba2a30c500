type Message = { [key: string]: any };

const short = (id: string) => (/^[0-9a-f]{64}$/.test(id) ? `${id.slice(0, 12)}…` : id);

/**
 * The `group` calls the collector received (team analytics, `groups: true`),
 * and how many events carried `context.groupId`. Nothing when none arrived.
 */
export const GroupsSent = ({ messages }: { messages: Message[] }) => {
  const groups = new Map<string, Message>();
  for (const m of messages) if (m.type === 'group' && !groups.has(m.groupId)) groups.set(m.groupId, m);
  if (groups.size === 0) return null;
  const tagged = messages.filter(m => (m.type === 'page' || m.type === 'track') && m.context?.groupId).length;
  return (
    <div data-testid="groups-sent" style={{ margin: '8px 0' }}>
      <b>Groups sent ({groups.size})</b>
      <ul style={{ fontFamily: 'monospace', fontSize: 13, margin: '4px 0', paddingLeft: 20 }}>
        {[...groups.values()].map(g => (
          <li key={g.groupId} title={g.groupId}>
            {short(g.groupId)}
            {g.traits?.name ? ` — name: ${g.traits.name}` : ' — no traits (pseudonymized)'}
          </li>
        ))}
      </ul>
      <span>
        {tagged} page/track calls carry <code>context.groupId</code>
      </span>
    </div>
  );
};
