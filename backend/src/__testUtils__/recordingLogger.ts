import { coreServices, createServiceFactory, type LoggerService, type ServiceFactory } from '@backstage/backend-plugin-api';

/** Every line any part of a test backend logged, with its metadata and error text. */
export type RecordingLogger = {
  lines: string[];
  factory: ServiceFactory;
  /** Resolves with the first line, logged before or after the call, that matches `pattern`. */
  logged(pattern: RegExp): Promise<string>;
};

function describeMeta(meta: unknown): string {
  if (meta === undefined) return '';
  if (meta instanceof Error) return ` ${meta.name}: ${meta.message} ${meta.stack ?? ''} ${JSON.stringify({ ...meta })}`;
  return ` ${JSON.stringify(meta)}`;
}

/** A root logger that keeps every line, so that tests can check what was (not) logged. */
export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const make = (fields: Record<string, unknown>): LoggerService => {
    const log = (level: string) => (message: string, meta?: unknown) => {
      const line = `${level} ${message}${describeMeta(meta)} ${JSON.stringify(fields)}`;
      lines.push(line);
      for (const waiter of waiters.filter(w => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    };
    return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), child: more => make({ ...fields, ...more }) };
  };
  const factory = createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => make({}) });
  const logged = (pattern: RegExp) => {
    const line = lines.find(l => pattern.test(l));
    return line === undefined ? new Promise<string>(resolve => waiters.push({ pattern, resolve })) : Promise.resolve(line);
  };
  return { lines, factory, logged };
}
