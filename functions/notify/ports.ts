import type { DomainEvent } from '../../schemas/index.js';

/** One email-like message to one researcher. */
export interface OutgoingMessage {
  readonly notificationId: string;
  readonly researcherId: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends notification messages (SES in AWS, the local outbox on one machine). */
export interface Sender {
  send(message: OutgoingMessage): Promise<void>;
}

/** Publishes domain events (EventBridge in AWS, an in-memory log locally). */
export interface Publisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}
