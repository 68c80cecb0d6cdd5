// Named errors of the core: callers branch on the class, users read the message.

export class TrailGuardError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ConfigIssue {
  /** Dotted path of the bad field, e.g. `members.accounts[1].id`; `(root)` for the document. */
  path: string;
  message: string;
}

/** A trailguard.yml (or remediator environment) that cannot be used; lists every bad field. */
export class ConfigError extends TrailGuardError {
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    super(`${source} is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/** An event the remediator must not act on: malformed, inconsistent or not a tamper event. */
export class RejectedEventError extends TrailGuardError {
  constructor(readonly reason: string) {
    super(`event rejected: ${reason}`);
  }
}

/** A remediation step failed in AWS; the message names account, region and trail. */
export class RemediationError extends TrailGuardError {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Publishing the alert failed: the event must be kept (Lambda retry, DLQ, SQS redrive). */
export class AlertPublishError extends TrailGuardError {}

/** Name of the AWS error (`AccessDenied`, `ThrottlingException`...) or the JS error class. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const value of [e.Code, e.code, e.name]) if (typeof value === 'string' && value) return value;
  }
  return 'Error';
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
