// Plays SNS's HTTPS delivery locally: takes each notification SNS delivered to an SQS queue, signs it as SNS does, POSTs it to the app.
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { stringToSign, type SnsMessage } from '../../slack-app/sns/verify.js';
import { PollLoop } from './poll-loop.js';

export interface BridgeOptions {
  sqs: SQSClient;
  queueUrl: string;
  endpoint: string;
  /** The test-only signing key; the app trusts its certificate through TRAILGUARD_SNS_TRUSTED_CERT. */
  keyPath: string;
  onDelivery?: (message: SnsMessage, status: number) => void;
  onError?: (error: unknown) => void;
}

export class SnsHttpsBridge {
  private readonly loop: PollLoop;
  private readonly key: string;

  constructor(private readonly o: BridgeOptions) {
    this.key = readFileSync(o.keyPath, 'utf8');
    this.loop = new PollLoop(() => this.pollOnce(0), o.onError);
  }

  /** Moto's HTTP deliveries carry a fake signature; this re-signs the envelope SNS put on the queue, with a local key. */
  sign(envelope: Record<string, string>): SnsMessage {
    const region = envelope.TopicArn!.split(':')[3];
    const message = {
      Type: 'Notification',
      MessageId: envelope.MessageId,
      TopicArn: envelope.TopicArn,
      ...(envelope.Subject ? { Subject: envelope.Subject } : {}),
      Message: envelope.Message,
      Timestamp: envelope.Timestamp,
      SignatureVersion: '2',
      SigningCertURL: `https://sns.${region}.amazonaws.com/SimpleNotificationService-local.pem`,
      Signature: '',
    } as SnsMessage;
    const signer = createSign('RSA-SHA256');
    signer.update(stringToSign(message), 'utf8');
    return { ...message, Signature: signer.sign(this.key, 'base64') };
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  async pollOnce(waitSeconds = 0): Promise<number> {
    const { Messages = [] } = await this.o.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.o.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
    );
    for (const m of Messages) {
      const signed = this.sign(JSON.parse(m.Body ?? '{}') as Record<string, string>);
      const res = await fetch(this.o.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain; charset=UTF-8',
          'x-amz-sns-message-type': 'Notification',
          'x-amz-sns-topic-arn': signed.TopicArn,
        },
        body: JSON.stringify(signed),
      });
      await res.arrayBuffer();
      this.o.onDelivery?.(signed, res.status);
      // Like SNS, keep retrying what the endpoint did not accept (5xx); a 4xx is final.
      if (res.status < 500) await this.o.sqs.send(new DeleteMessageCommand({ QueueUrl: this.o.queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
    return Messages.length;
  }
}
