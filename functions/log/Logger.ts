import { appendFileSync } from 'node:fs';

/** Structured logging: one JSON object per event. Passed in everywhere, so tests can hear or silence it. */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

type Level = 'info' | 'warn' | 'error';

/** Writes one log line to stderr, which Lambda sends to its logs. */
export const stderrSink = (line: string): void => void process.stderr.write(line);

/**
 * Appends each line to the file at `path`, synchronously: a line logged just before the process exits
 * (the exit backup's result, after the terminal was closed) must not be lost in a write buffer. An
 * unwritable file must not fail the work being logged: the line goes to stderr instead.
 */
export function fileSink(path: string): (line: string) => void {
  return (line) => {
    try {
      appendFileSync(path, line);
    } catch {
      stderrSink(line);
    }
  };
}

/** The sink the environment asks for, chosen once: the file named by `LOG_FILE`, else stderr. */
export function sinkFromEnvironment(env: NodeJS.ProcessEnv = process.env): (line: string) => void {
  const path = env.LOG_FILE?.trim();
  return path ? fileSink(path) : stderrSink;
}

/** A logger writing one JSON line per event to `write` (by default the sink `LOG_FILE` names, else stderr). */
export function jsonLogger(write: (line: string) => void = sinkFromEnvironment()): Logger {
  const log =
    (level: Level) =>
    (event: string, fields: Record<string, unknown> = {}) =>
      write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }, errorFields)}\n`);
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** Passes on warnings and errors only (for command lines that print their own result). */
export function problemsOnly(logger: Logger): Logger {
  return { info() {}, warn: logger.warn, error: logger.error };
}

/** A logger that drops everything. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

function errorFields(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return { name: value.name, message: value.message, ...('code' in value ? { code: value.code } : {}) };
}
