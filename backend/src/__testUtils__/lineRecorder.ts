import type { LoggerService } from '@backstage/backend-plugin-api';

/** A logger that keeps each line as `<level> <message>` (no metadata), for unit tests of what is logged. */
export function lineRecorder(): { lines: string[]; logger: LoggerService } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  const logger = { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), child: () => logger } as LoggerService;
  return { lines, logger };
}
