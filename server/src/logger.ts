/** Where the server writes what happens. Messages never hold tokens or secrets. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export type LogLevel = 'silent' | 'error' | 'warn' | 'info';

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3 };

/** A logger to stderr; stdout is kept for the `rtc-hub listening on ...` line. */
export function consoleLogger(level: LogLevel = 'info'): Logger {
  const rank = RANK[level];
  return {
    info: (message) => rank >= 3 && console.error(`info: ${message}`),
    warn: (message) => rank >= 2 && console.error(`warn: ${message}`),
    error: (message, error) => {
      if (rank < 1) return;
      console.error(`error: ${message}`, error instanceof Error ? (error.stack ?? error.message) : (error ?? ''));
    },
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
