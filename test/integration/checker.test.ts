import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../functions/reconcile/index.js';
import {
  addMember,
  getChange,
  getSummary,
  keys,
  listNotifications,
} from '../../functions/store/index.js';
import { fullAoc, overwrittenSummaryFindings } from '../support/factories.js';
import { type Pipeline, runReconciler, startPipeline } from '../support/pipeline.js';
import { aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

let p: Pipeline;

beforeEach(async () => {
  p = await startPipeline('checker');
  await anOrganisation(p.ctx, 'org', fullAoc());
  await aResearcher(p.ctx, 'r1', 'org');
  await aDataset(p.ctx, 'd1', 3);
  await aDataset(p.ctx, 'd2', 2);
  await p.applied(...(await aProject(p.ctx, 'p1', ['d1', 'd2'], ['r1'])));
});

afterEach(async () => {
  await p.stop();
});

describe('the invariant checker', () => {
  it('finds nothing wrong in a table the pipeline maintained', async () => {
    const report = await checkInvariants(p.ctx, { staleAfterMs: 0 });
    expect(report.violations).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.counts).toMatchObject({ projects: 1, links: 2, datasets: 2 });
  });

  it('finds a corrupted summary, and the repair fixes it', async () => {
    // Arrange: someone writes level 3 over the summary of a project whose level is 2.
    await p.ctx.doc.send(
      new UpdateCommand({
        TableName: p.tableName,
        Key: keys.summary('p1'),
        UpdateExpression: 'SET accessLevel = :l',
        ExpressionAttributeValues: { ':l': 3 },
      }),
    );
    // Act
    const found = await checkInvariants(p.ctx, { staleAfterMs: 0 });
    const { repaired } = await runReconciler(p.ctx);
    // Assert
    expect(found.violations).toEqual(overwrittenSummaryFindings('p1'));
    expect(repaired).toEqual({ links: 0, summaries: 1 });
    expect((await getSummary(p.ctx, 'p1'))?.accessLevel).toBe(2);
    await p.settle();
    await p.expectClean();
  });

  it('finds a link that lost its dataset level, and the repair fixes link and summary', async () => {
    await p.ctx.doc.send(
      new UpdateCommand({
        TableName: p.tableName,
        Key: keys.link('p1', 'd2'),
        UpdateExpression: 'SET accessLevel = :l',
        ExpressionAttributeValues: { ':l': 3 },
      }),
    );
    const found = await checkInvariants(p.ctx, { staleAfterMs: 0 });
    const { repaired } = await runReconciler(p.ctx);
    expect(found.violations.map((v) => v.kind).sort()).toEqual(['stale-link', 'summary-drift']);
    expect(repaired.links).toBe(1);
    await p.settle();
    await p.expectClean();
  });

  it('finds a write made behind the store, without an audit entry', async () => {
    await p.ctx.doc.send(
      new PutCommand({
        TableName: p.tableName,
        Item: {
          ...keys.dataset('d9'),
          type: 'dataset',
          datasetId: 'd9',
          title: 'Written behind the API',
          accessLevel: 1,
          version: 1,
          updatedAt: new Date().toISOString(),
          updatedBy: 'intruder',
        },
      }),
    );
    const report = await checkInvariants(p.ctx, { staleAfterMs: 0 });
    expect(report.violations).toContainEqual(
      expect.objectContaining({
        invariant: 4,
        kind: 'audit-count',
        subject: { type: 'dataset', datasetId: 'd9' },
      }),
    );
  });

  it('starts an expiry change once for an accreditation that ran out, and narrows with cause expiry', async () => {
    // Arrange: r2 joins p1 with an accreditation that expires in an hour; the sweeps run two hours on.
    const later = new Date(Date.now() + 2 * 3_600_000);
    await aResearcher(p.ctx, 'r2', 'org', {
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await addMember(p.ctx, 'p1', 'r2', 'test');
    await p.settle();
    const future = { ...p.ctx, now: () => later };
    // Act: two sweeps
    const first = await runReconciler(future);
    const second = await runReconciler(future);
    await p.settle();
    // Assert
    expect(first.expiryChanges).toHaveLength(1);
    expect(second.expiryChanges).toEqual([]);
    const [changeId] = first.expiryChanges;
    expect((await getChange(p.ctx, changeId ?? ''))?.status).toBe('applied');
    const { items } = await listNotifications(p.ctx, 'r2');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      cause: { kind: 'expiry', researcherId: 'r2' },
      removedRoutes: ['safe-room', 'safepod', 'aoc-office'],
      remainingRoutes: [],
    });
  });
});
