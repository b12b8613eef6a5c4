import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { backoff } from '../commons/index.js';
import type { OutgoingMessage, Sender } from '../notify/ports.js';

/** How a send refused for its rate is retried: jittered exponential back-off. */
export interface SendRetry {
  /** Attempts in all, the first included (default 8). */
  readonly attempts: number;
  /** The first wait's upper bound, doubled each time (default 200 ms). */
  readonly baseMs: number;
  /** No wait is longer than this (default 5 s). */
  readonly capMs: number;
}

/**
 * At most about 16 s of waiting per message (200 ms doubling to a 5 s cap, full
 * jitter), so a batch of 10 sent in parallel keeps well inside the deliver
 * function's 60 s. A message still refused after that fails its stream record,
 * which Lambda redelivers; the redelivery re-reads the notification and sends
 * only what is not yet marked delivered.
 */
export const DEFAULT_SEND_RETRY: SendRetry = { attempts: 8, baseMs: 200, capMs: 5000 };

/** Error names SES v2 uses when it refuses a send for its rate or quota. */
const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'Throttling',
  'ThrottlingException',
]);

/**
 * Whether SES refused the send for a reason that passes with time: its
 * sending rate or quota (`TooManyRequestsException`, `LimitExceededException`,
 * "Maximum sending rate exceeded"), or a fault on its side (5xx).
 */
export function isRetryableSend(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, message, $metadata } = err as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode ?? 0;
  return (
    (typeof name === 'string' && THROTTLING_NAMES.has(name)) ||
    (typeof message === 'string' && /sending rate exceeded/i.test(message)) ||
    status === 429 ||
    status >= 500
  );
}

/**
 * Sends notifications as plain-text email through Amazon SES v2. Sends that
 * SES refuses for its rate are retried here, with back-off (the one retry
 * policy for SES: the client it builds makes a single attempt per call).
 */
export class SesSender implements Sender {
  private readonly client: SESv2Client;
  private readonly retry: SendRetry;

  constructor(
    private readonly options: {
      from: string;
      configurationSet?: string;
      client?: SESv2Client;
      retry?: Partial<SendRetry>;
    },
  ) {
    this.client = options.client ?? new SESv2Client({ maxAttempts: 1 });
    this.retry = { ...DEFAULT_SEND_RETRY, ...options.retry };
  }

  async send(message: OutgoingMessage): Promise<void> {
    const command = new SendEmailCommand({
      FromEmailAddress: this.options.from,
      Destination: { ToAddresses: [message.to] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
        },
      },
      ...(this.options.configurationSet && {
        ConfigurationSetName: this.options.configurationSet,
      }),
      EmailTags: [{ Name: 'notificationId', Value: message.notificationId }],
    });
    const { attempts, baseMs, capMs } = this.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(command);
        return;
      } catch (err) {
        if (attempt >= attempts || !isRetryableSend(err)) throw err;
        await backoff(attempt - 1, { baseMs, capMs });
      }
    }
  }
}
