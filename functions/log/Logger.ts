import { appendFileSync } from 'node:fs';

/** Structured logging: one JSON object per event. Passed in everywhere, so tests can hear or silence it. */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

type Level = 'info' | 'warn' | 'error';

/**
 * Where logs go by default: the file named by `LOG_FILE`, else stderr, which Lambda sends to its logs.
 * The file is appended to synchronously: a line logged just before the process exits (the exit
 * backup's result, after the terminal was closed) must not be lost in a write buffer.
 */
function defaultSink(line: string): void {
  const path = process.env.LOG_FILE?.trim();
  if (path) {
    try {
      return appendFileSync(path, line);
    } catch {
      // An unwritable log file must not fail the work being logged: the line goes to stderr instead.
    }
  }
  process.stderr.write(line);
}

/** A logger writing one JSON line per event to `write` (by default `LOG_FILE`, else stderr). */
export function jsonLogger(write: (line: string) => void = defaultSink): Logger {
  const log = (level: Level) => (event: string, fields: Record<string, unknown> = {}) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }, errorFields)}\n`);
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

function errorFields(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return { name: value.name, message: value.message, ...('code' in value ? { code: value.code } : {}) };
}
