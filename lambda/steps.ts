// The AWS calls of one remediation, run one by one: each that succeeds is recorded (the alert's `actions`), and a
// failure is rethrown as a RemediationError that names the call and what it acted on. Trail, impairment and storage
// repairs all record their calls this way.
import { errorCode, errorText, RemediationError } from '#core/errors.js';

export abstract class RecordedSteps {
  readonly actions: string[] = [];

  /** What the calls act on, as the error message names it (`trail org-audit in 222222222222/us-east-1`...). */
  protected abstract subject(): string;

  /**
   * Runs `fn` and records `action` (e.g. `StartLogging`, `UpdateTrail: isMultiRegionTrail`) when it succeeds.
   * Throws RemediationError carrying the AWS error code, with the original error as its cause.
   */
  async run<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      this.actions.push(action);
      return result;
    } catch (error) {
      const code = errorCode(error);
      throw new RemediationError(`${code} on ${action.split(':')[0]} for ${this.subject()}: ${errorText(error)}`, code, { cause: error });
    }
  }
}
