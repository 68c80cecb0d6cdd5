// Plays Lambda's SQS integration locally: polls the queue, hands each batch to the handler as Lambda would, deletes what succeeded.
import { PollLoop } from './poll-loop.js';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface SqsBatchResponse {
  batchItemFailures?: { itemIdentifier: string }[];
}

export interface RunnerOptions {
  sqs: SQSClient;
  queueUrl: string;
  handler: (event: unknown, context: unknown) => Promise<unknown>;
  /** Changes a record's body before the handler sees it (the demo restores fields moto drops). */
  adapt?: (body: string) => string;
  onBatch?: (records: Message[], result: unknown) => void;
  onError?: (error: unknown) => void;
  batchSize?: number;
}

export class LambdaSqsRunner {
  private readonly loop: PollLoop;
  private queueArn = '';

  constructor(private readonly o: RunnerOptions) {
    this.loop = new PollLoop(() => this.pollOnce(0), o.onError);
  }

  async start(): Promise<void> {
    const { Attributes } = await this.o.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.o.queueUrl, AttributeNames: ['QueueArn'] }),
    );
    this.queueArn = Attributes?.QueueArn ?? '';
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One receive and one invocation; resolves to the number of records handed over. */
  async pollOnce(waitSeconds = 0): Promise<number> {
    const { Messages = [] } = await this.o.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.o.queueUrl,
        MaxNumberOfMessages: this.o.batchSize ?? 10,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return 0;
    const region = this.queueArn.split(':')[3];
    // The record shape of Lambda's SQS event source.
    const event = {
      Records: Messages.map((m) => ({
        messageId: m.MessageId,
        receiptHandle: m.ReceiptHandle,
        body: this.o.adapt ? this.o.adapt(m.Body ?? '') : m.Body,
        attributes: m.Attributes ?? {},
        messageAttributes: {},
        md5OfBody: m.MD5OfBody,
        eventSource: 'aws:sqs',
        eventSourceARN: this.queueArn,
        awsRegion: region,
      })),
    };
    let failed = new Set<string>();
    try {
      const result = (await this.o.handler(event, { functionName: 'trailguard-remediator', awsRequestId: crypto.randomUUID() })) as
        | SqsBatchResponse
        | undefined;
      failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      this.o.onBatch?.(Messages, result);
    } catch (error) {
      // A thrown handler fails the whole batch: nothing is deleted, SQS redelivers after the visibility timeout.
      this.o.onError?.(error);
      return Messages.length;
    }
    const done = Messages.filter((m) => !failed.has(m.MessageId ?? ''));
    if (done.length) {
      await this.o.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.o.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    return Messages.length;
  }
}
