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
  fakeClientConfig,
  fakeTransport,
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
});
