import type { OutgoingMessage, Publisher, Sender } from '../functions/notify/index.js';
import type { DomainEvent } from '../schemas/index.js';

/**
 * The local outbox: keeps every message sent and prints one line per message
 * (without the address: logs never carry email addresses).
 */
export class LocalOutbox implements Sender {
  readonly sent: OutgoingMessage[] = [];

  constructor(private readonly print: (line: string) => void = () => {}) {}

  async send(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
    this.print(
      `[outbox] ${message.notificationId} to researcher ${message.researcherId}: ${message.subject}`,
    );
  }
}

/** The local event log: keeps every event published, and prints one line per event. */
export class LocalEventLog implements Publisher {
  readonly events: DomainEvent[] = [];

  constructor(private readonly print: (line: string) => void = () => {}) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const e of events) {
      this.events.push(e);
      this.print(`[event] ${e.detailType} ${JSON.stringify(e.detail)}`);
    }
  }
}
