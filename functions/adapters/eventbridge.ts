import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DomainEvent, EVENT_SOURCE } from '../../schemas/index.js';
import type { Publisher } from '../notify/ports.js';

/** PutEvents takes at most this many entries per call. */
const MAX_ENTRIES = 10;

/** Publishes domain events to an EventBridge bus, with source `srs.access`. */
export class EventBridgePublisher implements Publisher {
  private readonly client: EventBridgeClient;

  constructor(private readonly options: { busName: string; client?: EventBridgeClient }) {
    this.client = options.client ?? new EventBridgeClient({});
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: events.slice(i, i + MAX_ENTRIES).map((e) => ({
            EventBusName: this.options.busName,
            Source: EVENT_SOURCE,
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) {
        const codes = (out.Entries ?? []).flatMap((e) => (e.ErrorCode ? [e.ErrorCode] : []));
        throw new Error(`EventBridge rejected ${out.FailedEntryCount} events: ${codes.join(', ')}`);
      }
    }
  }
}
