/**
 * The deliver and publish functions through their real AWS adapters (SES v2
 * and EventBridge clients, with only the network replaced by a fake
 * transport), on the whole pipeline: the requests they build are those AWS
 * receives, and the permissions test checks them against the template.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_EVENT_BUS_NAME } from '../../cdk/config.js';
import { EventBridgePublisher } from '../../functions/adapters/eventbridge.js';
import { SesSender } from '../../functions/adapters/ses.js';
import { listNotifications, setDatasetLevel } from '../../functions/store/index.js';
import { recordAwsCalls } from '../../local/aws-calls.js';
import { TEST_SENDER } from '../cdk/support.js';
import { awsCallsDir } from '../support/dynamo.js';
import { fullAoc } from '../support/factories.js';
import {
  eventBridgeAccepts,
  type FakeAnswer,
  fakeClientConfig,
  fakeTransport,
  type SentRequest,
  sesAccepts,
} from '../support/fake-aws.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { ACTOR, aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

let p: Pipeline | undefined;

afterEach(async () => {
  await p?.expectClean();
  await p?.stop();
});

describe('delivery by SES and events by EventBridge, as deployed', () => {
  it('sends one email from the stack sender per narrowing and publishes both event types to the stack bus', async () => {
    // Arrange: the adapters the deployed functions use, over a fake network
    const ses = fakeTransport(sesAccepts);
    const bus = fakeTransport(eventBridgeAccepts);
    const sesClient = recordAwsCalls(new SESv2Client(fakeClientConfig(ses)), 'ses', awsCallsDir());
    const busClient = recordAwsCalls(
      new EventBridgeClient(fakeClientConfig(bus)),
      'events',
      awsCallsDir(),
    );
    p = await startPipeline('aws-adapters', {
      sender: new SesSender({ from: TEST_SENDER, client: sesClient }),
      publisher: new EventBridgePublisher({ busName: DEFAULT_EVENT_BUS_NAME, client: busClient }),
    });
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aDataset(p.ctx, 'd1', 3);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1'], ['r1'])));

    // Act: a level change that narrows r1 on p1
    const { changeId } = await setDatasetLevel(
      p.ctx,
      'd1',
      1,
      'owner asks for a safe setting',
      ACTOR,
    );
    await p.applied(changeId);

    // Assert: one email, from the sender the stack grants, to r1 only
    const emails = ses.sent.filter((r) => r.path.endsWith('/outbound-emails'));
    expect(emails).toHaveLength(1);
    expect(emails[0]?.body).toMatchObject({
      FromEmailAddress: TEST_SENDER,
      Destination: { ToAddresses: ['r1@example.org'] },
    });
    const [notice] = (await listNotifications(p.ctx, 'r1')).items;
    expect(notice?.deliveredAt).toBeDefined();
    // ... and both kinds of event on the stack's bus, with the service's source
    const entries = bus.sent.flatMap(
      (r) => (r.body as { Entries: Record<string, string>[] }).Entries,
    );
    expect(new Set(entries.map((e) => e.EventBusName))).toEqual(new Set([DEFAULT_EVENT_BUS_NAME]));
    expect(new Set(entries.map((e) => e.Source))).toEqual(new Set(['srs.access']));
    expect(entries.map((e) => e.DetailType)).toEqual(
      expect.arrayContaining(['ProjectAccessChanged', 'ResearcherRoutesNarrowed']),
    );
  });

  /** The refusals SES gives for its sending rate and quota, in turn. */
  const refusals: FakeAnswer[] = [
    {
      status: 429,
      headers: { 'x-amzn-errortype': 'TooManyRequestsException' },
      body: { message: 'Too many requests' },
    },
    {
      status: 400,
      headers: { 'x-amzn-errortype': 'LimitExceededException' },
      body: { message: 'Sending quota exceeded' },
    },
    {
      status: 400,
      headers: { 'x-amzn-errortype': 'Throttling' },
      body: { message: 'Maximum sending rate exceeded.' },
    },
  ];

  /** SES refusing the first `refused` sends of every message, then accepting it. */
  function throttlingSes(refused: number) {
    const attempts = new Map<string, number>();
    const accepted: string[] = [];
    const notificationOf = (r: SentRequest) =>
      String(
        (r.body as { EmailTags?: { Value: string }[] } | undefined)?.EmailTags?.[0]?.Value ?? '',
      );
    const transport = fakeTransport((request) => {
      const id = notificationOf(request);
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      if (n <= refused) return refusals[(n - 1) % refusals.length] as FakeAnswer;
      accepted.push(id);
      return sesAccepts();
    });
    return { transport, attempts, accepted };
  }

  async function narrowFour(refused: number, retry: { attempts: number }) {
    const ses = throttlingSes(refused);
    const client = recordAwsCalls(
      new SESv2Client(fakeClientConfig(ses.transport)),
      'ses',
      awsCallsDir(),
    );
    const pipeline = await startPipeline('aws-ses-throttling', {
      sender: new SesSender({
        from: TEST_SENDER,
        client,
        retry: { ...retry, baseMs: 5, capMs: 20 },
      }),
    });
    p = pipeline;
    const { ctx } = pipeline;
    const researchers = ['r1', 'r2', 'r3', 'r4'];
    await anOrganisation(ctx, 'org', fullAoc());
    for (const r of researchers) await aResearcher(ctx, r, 'org');
    await aDataset(ctx, 'd1', 3);
    await pipeline.applied(...(await aProject(ctx, 'p1', ['d1'], researchers)));
    const { changeId } = await setDatasetLevel(ctx, 'd1', 1, 'owner asks', ACTOR);
    await pipeline.applied(changeId);
    const notices = await Promise.all(
      researchers.map(async (r) => (await listNotifications(ctx, r)).items),
    );
    return {
      ses,
      notices: notices.flat(),
      deliverFailures: pipeline.poller.stats().deliver?.failures,
    };
  }

  it.each([
    {
      name: 'retries sends SES refuses for its rate or quota, with back-off, inside one invocation',
      attempts: 8,
      failed: (n: number | undefined) => expect(n).toBe(0),
    },
    {
      name: 'fails the record of a send still refused after its attempts, and its redelivery sends it',
      attempts: 2,
      failed: (n: number | undefined) => expect(n).toBeGreaterThan(0),
    },
  ])('$name: every notice sent exactly once', async ({ attempts, failed }) => {
    // Act: SES refuses each message three times (each kind of refusal once) before accepting it.
    const { ses, notices, deliverFailures } = await narrowFour(3, { attempts });

    // Assert: four notices, each accepted by SES exactly once after its three
    // refusals; nothing parked (expectClean after each test)
    expect(notices).toHaveLength(4);
    for (const n of notices) expect(n.deliveredAt).toBeDefined();
    const ids = notices.map((n) => n.notificationId).sort();
    expect([...ses.accepted].sort()).toEqual(ids);
    expect(ids.map((id) => ses.attempts.get(id))).toEqual([4, 4, 4, 4]);
    failed(deliverFailures);
  });
});
