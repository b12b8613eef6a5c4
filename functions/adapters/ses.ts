import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { OutgoingMessage, Sender } from '../notify/ports.js';

/** Sends notifications as plain-text email through Amazon SES v2. */
export class SesSender implements Sender {
  private readonly client: SESv2Client;

  constructor(
    private readonly options: { from: string; configurationSet?: string; client?: SESv2Client },
  ) {
    this.client = options.client ?? new SESv2Client({});
  }

  async send(message: OutgoingMessage): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
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
      }),
    );
  }
}
