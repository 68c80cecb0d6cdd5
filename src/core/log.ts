// The logging interface every part takes: structured, one line per decision (Powertools Logger and jsonLog fit it).
export interface Log {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}
