// The deployed Slack app reads its two secrets by name at cold start (slack-app/secrets.ts): readable, missing, denied.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { coldStart } from '../../slack-app/lambda.js';
import { loadSlackSecrets, SlackSecretError } from '../../slack-app/secrets.js';

const ssm = mockClient(SSMClient);
const secretsManager = mockClient(SecretsManagerClient);
afterAll(() => {
  ssm.restore();
  secretsManager.restore();
});
beforeEach(() => {
  ssm.reset();
  secretsManager.reset();
});

const TOKEN = 'xoxb-1111-2222-TOPSECRETTOKEN';
const SIGNING = 'f00dfacef00dfacef00dfacef00dface';
const env = {
  SLACK_BOT_TOKEN_PARAM: 'ssm:/trailguard/slack/bot-token',
  SLACK_SIGNING_SECRET_PARAM: 'secretsmanager:trailguard/slack-signing',
};
const clients = () => ({ ssm: new SSMClient({ region: 'us-east-1' }), secretsManager: new SecretsManagerClient({ region: 'us-east-1' }) });
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

function logged() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string, a?: object) => lines.push(JSON.stringify([m, a])), warn: () => {}, error: () => {} } };
}

describe('loadSlackSecrets', () => {
  it('reads the SSM parameter with decryption and the Secrets Manager secret, and logs their names only', async () => {
    ssm.on(GetParameterCommand, { Name: '/trailguard/slack/bot-token', WithDecryption: true }).resolves({ Parameter: { Value: TOKEN } });
    secretsManager.on(GetSecretValueCommand, { SecretId: 'trailguard/slack-signing' }).resolves({ SecretString: SIGNING });
    const { lines, log } = logged();

    const secrets = await loadSlackSecrets(env, { clients: clients(), log });

    expect(secrets).toEqual({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SIGNING });
    expect(lines.join('\n')).toContain('/trailguard/slack/bot-token');
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain(SIGNING);
  });

  it('reads nothing when no name is set (the server, or a Lambda given the values some other way)', async () => {
    expect(await loadSlackSecrets({}, { clients: clients() })).toEqual({});
    expect(ssm.calls()).toHaveLength(0);
  });

  it('fails naming the parameter and its variable when it does not exist', async () => {
    ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound', 'Parameter /trailguard/slack/bot-token not found.'));
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SIGNING });

    const error = await loadSlackSecrets(env, { clients: clients() }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SlackSecretError);
    expect(String(error)).toMatch(/SLACK_BOT_TOKEN_PARAM: SSM parameter \/trailguard\/slack\/bot-token does not exist/);
    expect(String(error)).not.toContain(SIGNING);
  });

  it('fails naming the secret when access is denied, with AWS’s reason and never the other secret’s value', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: TOKEN } });
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(
        awsError(
          'AccessDeniedException',
          'User arn:aws:sts::111111111111:assumed-role/trailguard-slack/x is not authorized to perform: secretsmanager:GetSecretValue',
        ),
      );

    const error = await loadSlackSecrets(env, { clients: clients() }).catch((e: unknown) => e);

    expect(String(error)).toMatch(
      /SLACK_SIGNING_SECRET_PARAM: cannot read Secrets Manager secret trailguard\/slack-signing: AccessDeniedException/,
    );
    expect(String(error)).not.toContain(TOKEN);
  });

  it('fails on an empty value or a binary secret (nothing Slack could verify with), without showing it', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '' } });
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    const error = await loadSlackSecrets(env, { clients: clients() }).catch((e: unknown) => e);

    expect(String(error)).toMatch(/SLACK_BOT_TOKEN_PARAM: SSM parameter \/trailguard\/slack\/bot-token is empty/);
    expect(String(error)).toMatch(/SLACK_SIGNING_SECRET_PARAM: Secrets Manager secret trailguard\/slack-signing has no SecretString/);
  });

  it('refuses a name not in the ssm:/… or secretsmanager:… form before any call', async () => {
    const error = await loadSlackSecrets({ SLACK_BOT_TOKEN_PARAM: TOKEN }, { clients: clients() }).catch((e: unknown) => e);

    expect(String(error)).toMatch(/SLACK_BOT_TOKEN_PARAM: expected ssm:\/<parameter name> or secretsmanager:<secret name>/);
    expect(String(error)).not.toContain(TOKEN);
    expect(ssm.calls()).toHaveLength(0);
  });
});

describe('the Lambda cold start (slack-app/lambda.ts)', () => {
  const configFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-secrets-'));
    const path = join(dir, 'trailguard.json');
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        central: { account: '111111111111', region: 'us-east-1' },
        members: { accounts: [{ id: '222222222222' }] },
      }),
    );
    return path;
  };
  const lambdaEnv = () => ({
    ...env,
    AWS_REGION: 'us-east-1',
    TRAILGUARD_CONFIG: configFile(),
    TRAILGUARD_SLACK_CHANNEL: 'C0123456789',
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
  });

  it('starts with the secrets read by name: no SLACK_BOT_TOKEN or SLACK_SIGNING_SECRET in its environment', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: TOKEN } });
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SIGNING });

    const handler = await coldStart(lambdaEnv(), { clients: clients(), log: logged().log });

    expect(typeof handler).toBe('function');
    expect(process.env.SLACK_BOT_TOKEN).toBeUndefined();
  });

  it('fails the cold start naming the parameter it could not read', async () => {
    ssm.on(GetParameterCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: ssm:GetParameter'));
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SIGNING });

    await expect(coldStart(lambdaEnv(), { clients: clients() })).rejects.toThrow(
      /SLACK_BOT_TOKEN_PARAM: cannot read SSM parameter \/trailguard\/slack\/bot-token: AccessDeniedException/,
    );
  });
});
