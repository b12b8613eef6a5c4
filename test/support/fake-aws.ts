/**
 * A stand-in for an AWS service's HTTP endpoint, for the SDK v3 clients of
 * SES v2 and EventBridge: the real client builds, signs and sends the real
 * request; this transport answers it as the service would, and keeps what it
 * was sent. Only the network is replaced.
 */
import { Readable } from 'node:stream';

/** A request as the transport received it. */
export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** The answer a fake service gives: a status, JSON body and headers. */
export interface FakeAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** An SDK `requestHandler` answering with `answer`, keeping every request in `sent`. */
export function fakeTransport(answer: (request: SentRequest) => FakeAnswer) {
  const sent: SentRequest[] = [];
  const handler = {
    sent,
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: {
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: unknown;
    }) {
      const raw = request.body;
      const text =
        typeof raw === 'string'
          ? raw
          : raw instanceof Uint8Array
            ? Buffer.from(raw).toString('utf8')
            : '';
      const seen: SentRequest = {
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
      sent.push(seen);
      const out = answer(seen);
      return {
        response: {
          statusCode: out.status,
          headers: { 'content-type': 'application/json', ...out.headers },
          body: Readable.from([Buffer.from(JSON.stringify(out.body))]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
  return handler;
}

/** Client settings that send through `transport` with dummy credentials. */
export function fakeClientConfig(requestHandler: ReturnType<typeof fakeTransport>) {
  return {
    region: 'eu-west-2',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    requestHandler,
    maxAttempts: 1,
  };
}

/** SES v2 `SendEmail` accepted. */
export const sesAccepts = (): FakeAnswer => ({
  status: 200,
  body: { MessageId: `m-${Math.random().toString(36).slice(2)}` },
});

/** EventBridge `PutEvents` accepting every entry. */
export const eventBridgeAccepts = (request: SentRequest): FakeAnswer => {
  const entries = ((request.body as { Entries?: unknown[] } | undefined)?.Entries ?? []).length;
  return {
    status: 200,
    body: {
      FailedEntryCount: 0,
      Entries: Array.from({ length: entries }, (_, i) => ({ EventId: `e-${i}` })),
    },
  };
};
