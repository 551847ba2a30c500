import { coreServices, createServiceFactory, type LoggerService, type ServiceFactory } from '@backstage/backend-plugin-api';

/** Every line any part of a test backend logged, with its metadata and error text. */
export type RecordingLogger = { lines: string[]; factory: ServiceFactory };

function describeMeta(meta: unknown): string {
  if (meta === undefined) return '';
  if (meta instanceof Error) return ` ${meta.name}: ${meta.message} ${meta.stack ?? ''} ${JSON.stringify({ ...meta })}`;
  return ` ${JSON.stringify(meta)}`;
}

/** A root logger that keeps every line, so that tests can check what was (not) logged. */
export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const make = (fields: Record<string, unknown>): LoggerService => {
    const log = (level: string) => (message: string, meta?: unknown) => {
      lines.push(`${level} ${message}${describeMeta(meta)} ${JSON.stringify(fields)}`);
    };
    return { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), child: more => make({ ...fields, ...more }) };
  };
  const factory = createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => make({}) });
  return { lines, factory };
}
