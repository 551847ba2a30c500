// @ts-check
// Every privacy and governance option of app.analytics.segment set at once,
// for the benchmark's "every option vs none" figure. The event rules are all
// evaluated on every event, but match none of the benchmark's mix (the paced
// measurement waits for every event at the collector): an excluded event
// would cost less than a sent one, not more.
export const EVERY_PRIVACY_OPTION = {
  redact: {
    queryParams: ['session', 'ticket', 'sso_hint'],
    searchTerms: 'sha-256',
    patterns: ['\\b\\d{4}(?:[ -]?\\d{4}){3}\\b', 'secret-[a-z0-9]+'],
    emails: true,
  },
  events: {
    include: [{ pluginId: '*' }],
    exclude: [{ action: 'admin-*' }, { pluginId: 'internal' }, { subject: '/^\\/admin\\//' }],
  },
  allowedAttributes: ['to', 'searchTypes', 'templateRef'],
  allowedContexts: ['entityRef', 'searchTypes'],
  respectGlobalPrivacyControl: true,
};
