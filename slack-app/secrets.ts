// The deployed Slack app's secrets, read once at cold start from SSM Parameter Store or Secrets Manager by name.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { isMissing } from '#core/aws/kinds/common.js';
import { errorCode, errorText } from '#core/errors.js';

/** The environment variable naming each secret, and the variable the settings read its value from. */
export const SECRET_VARIABLES = {
  SLACK_BOT_TOKEN_PARAM: 'SLACK_BOT_TOKEN',
  SLACK_SIGNING_SECRET_PARAM: 'SLACK_SIGNING_SECRET',
} as const;
type NameVariable = keyof typeof SECRET_VARIABLES;
type ValueVariable = (typeof SECRET_VARIABLES)[NameVariable];

/** A secret the app cannot start without could not be read: names every one, and never a value. */
export class SlackSecretError extends Error {}

export interface SecretOptions {
  /** Default: clients of the function's region (AWS_REGION). */
  clients?: { ssm: SSMClient; secretsManager: SecretsManagerClient };
  log?: { info(message: string, attributes?: Record<string, unknown>): void };
}

const NAME = /^(ssm):(\/.+)$|^(secretsmanager):(.+)$/;

/**
 * Reads the secrets whose names are in `SLACK_BOT_TOKEN_PARAM` / `SLACK_SIGNING_SECRET_PARAM` (`ssm:/<parameter name>`:
 * SSM GetParameter WithDecryption; `secretsmanager:<secret name>`: Secrets Manager GetSecretValue, its SecretString)
 * and resolves to `{ SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET }` for the ones named (`{}` when none is). Throws
 * SlackSecretError naming each variable and secret that is malformed, missing, denied or empty, with AWS's error
 * code; a value is never logged nor put in an error.
 */
export async function loadSlackSecrets(
  env: Readonly<Record<string, string | undefined>>,
  options: SecretOptions = {},
): Promise<Partial<Record<ValueVariable, string>>> {
  const named = (Object.keys(SECRET_VARIABLES) as NameVariable[]).filter((v) => env[v]);
  if (named.length === 0) return {};
  const region = env.AWS_REGION;
  const clients = options.clients ?? { ssm: new SSMClient({ region }), secretsManager: new SecretsManagerClient({ region }) };
  const problems: string[] = [];
  const out: Partial<Record<ValueVariable, string>> = {};
  await Promise.all(
    named.map(async (variable) => {
      const match = NAME.exec(env[variable]!);
      // The variable may hold the secret itself: it is not echoed.
      if (!match) return problems.push(`${variable}: expected ssm:/<parameter name> or secretsmanager:<secret name>`);
      const ssm = match[1] === 'ssm';
      const name = (ssm ? match[2] : match[4])!;
      const what = ssm ? `SSM parameter ${name}` : `Secrets Manager secret ${name}`;
      try {
        let value: string | undefined;
        if (ssm) {
          value = (await clients.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value;
        } else {
          const secret = await clients.secretsManager.send(new GetSecretValueCommand({ SecretId: name }));
          if (secret.SecretString === undefined) return problems.push(`${variable}: ${what} has no SecretString (a binary secret)`);
          value = secret.SecretString;
        }
        if (!value) return problems.push(`${variable}: ${what} is empty`);
        out[SECRET_VARIABLES[variable]] = value;
        options.log?.info('slack secret read', { variable, name: what });
      } catch (error) {
        const missing = isMissing(error) || errorCode(error) === 'ParameterNotFound';
        problems.push(
          missing ? `${variable}: ${what} does not exist` : `${variable}: cannot read ${what}: ${errorCode(error)}: ${errorText(error)}`,
        );
      }
      return undefined;
    }),
  );
  if (problems.length > 0) throw new SlackSecretError(`the Slack app cannot read its secrets:\n  ${problems.sort().join('\n  ')}`);
  return out;
}
