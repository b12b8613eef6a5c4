/**
 * Races in propagation, pinned down step by step.
 *
 * 1. Found by the model-based test (seed 20260316, interleaved property): two
 *    changes that recompute the same project at once, each from its own read
 *    of the project's partition. A gate on one handler's DynamoDB client holds
 *    its first write until the other change has been carried out.
 * 2. Found by the model-based test (seed 20260316, interleaved property, run
 *    220): a change that only moves a link's version (its level is already
 *    the change's) read the link before an older change moved its level with
 *    the summary, and then wrote its own level back over it.
 * 3. Found while reading the redelivery path: a change that crashed after
 *    writing its summary (and claims) but before recording its page, and is
 *    redelivered after the project's members changed.
 * 4. Found by the model-based test (seeds 1611343822 and 2019914669,
 *    interleaved property): the same crash, redelivered after a newer change
 *    rewrote the summary (so the redelivery skips the project yet must still
 *    count what it claimed), or after the first write notified nobody and a
 *    researcher has joined since (the redelivery must notify nobody).
 * 5. Found by the model-based test (seed 659352556, interleaved property): a
 *    researcher's own change, redelivered after they left the project it
 *    notified them on, must still count that notice.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChangePage } from '../../functions/propagation/index.js';
import { checkInvariants } from '../../functions/reconcile/index.js';
import {
  addMember,
  documentClient,
  getChange,
  getSummary,
  linkDataset,
  listNotifications,
  putProject,
  putResearcher,
  removeMember,
  type StoreContext,
  setDatasetLevel,
} from '../../functions/store/index.js';
import { localClientConfig } from '../../local/table-setup.js';
import { applyChange } from '../api/support.js';
import { dynamoEndpoint, type FreshTable, freshTable } from '../support/dynamo.js';
import { anAccreditation, fullAoc } from '../support/factories.js';
import { ACTOR, aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

const WRITES = /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems)Command$/;

/** A client whose first write waits until `open()` is called; `reached` resolves when it waits. */
function gatedClient() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let reach: () => void = () => {};
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  let first = true;
  const ddb = new DynamoDBClient(localClientConfig(dynamoEndpoint()));
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      if (first && WRITES.test(String(context.commandName))) {
        first = false;
        reach();
        await gate;
      }
      return next(args);
    },
    { step: 'initialize', name: 'gate' },
  );
  return { doc: documentClient(ddb), reached, open };
}

let table: FreshTable;
let ctx: StoreContext;

beforeAll(async () => {
  table = await freshTable('races');
  ctx = { doc: table.clients.doc, tableName: table.tableName, now: () => new Date() };
});

afterAll(async () => {
  await table?.drop();
});

describe('two level changes recomputing one project at once', () => {
  it('leave its summary equal to what its links give, whichever reads first', async () => {
    // Arrange: p uses d1 (level 0) and d2 (level 3): level 0.
    await aDataset(ctx, 'race-d1', 0);
    await aDataset(ctx, 'race-d2', 3);
    await putProject(ctx, 'race-p', 'Race', ACTOR);
    const links = [
      await linkDataset(ctx, 'race-p', 'race-d1', ACTOR),
      await linkDataset(ctx, 'race-p', 'race-d2', ACTOR),
    ];
    for (const { changeId } of links) await runChangePage(ctx, changeId, 0);
    // d1 rises to 3 (change A) and d2 falls to 1 (change B): the project ends at level 1.
    const a = await setDatasetLevel(ctx, 'race-d1', 3, 'race', ACTOR);
    const b = await setDatasetLevel(ctx, 'race-d2', 1, 'race', ACTOR);

    // Act: A reads the partition, then waits before its first write; B runs start to end; A goes on.
    const gated = gatedClient();
    const slow: StoreContext = { ...ctx, doc: gated.doc };
    const first = runChangePage(slow, a.changeId, 0);
    await gated.reached;
    await runChangePage(ctx, b.changeId, 0);
    gated.open();
    await first;

    // Assert
    expect((await getSummary(ctx, 'race-p', true))?.accessLevel).toBe(1);
    const report = await checkInvariants(ctx, { staleAfterMs: 0 });
    expect(
      report.violations.filter(
        (v) => v.subject.type === 'project' && v.subject.projectId === 'race-p',
      ),
    ).toEqual([]);
  });
});

describe('a change that keeps a link at its level, racing an older change that moves it', () => {
  it('does not put back the level it read once the older change moved it with the summary', async () => {
    // Arrange: p uses d1 (level 3) and d2, which went 2 → 0: level 0.
    await aDataset(ctx, 'keep-d1', 3);
    await aDataset(ctx, 'keep-d2', 2);
    await putProject(ctx, 'keep-p', 'Keep', ACTOR);
    for (const d of ['keep-d1', 'keep-d2']) {
      await runChangePage(ctx, (await linkDataset(ctx, 'keep-p', d, ACTOR)).changeId, 0);
    }
    await runChangePage(ctx, (await setDatasetLevel(ctx, 'keep-d2', 0, 'race', ACTOR)).changeId, 0);
    // d2 rises to 1 (change B) and falls back to 0 (change C): the project ends at level 0.
    const b = await setDatasetLevel(ctx, 'keep-d2', 1, 'race', ACTOR);
    const c = await setDatasetLevel(ctx, 'keep-d2', 0, 'race', ACTOR);

    // Act: C reads the link (level 0, as C's) and waits before moving its version; B runs; C goes on.
    const gated = gatedClient();
    const slow: StoreContext = { ...ctx, doc: gated.doc };
    const later = runChangePage(slow, c.changeId, 0);
    await gated.reached;
    await runChangePage(ctx, b.changeId, 0);
    gated.open();
    await later;

    // Assert
    expect((await getSummary(ctx, 'keep-p', true))?.accessLevel).toBe(0);
    const report = await checkInvariants(ctx, { staleAfterMs: 0 });
    expect(
      report.violations.filter(
        (v) => v.subject.type === 'project' && v.subject.projectId === 'keep-p',
      ),
    ).toEqual([]);
  });
});

/** A client whose first write recording a page of a change fails before reaching DynamoDB. */
function crashingBeforeThePage(): StoreContext['doc'] {
  let crashed = false;
  const ddb = new DynamoDBClient(localClientConfig(dynamoEndpoint()));
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const recordsPage =
        context.commandName === 'TransactWriteItemsCommand' &&
        JSON.stringify(args.input).includes('pagesDone');
      if (recordsPage && !crashed) {
        crashed = true;
        throw new Error('injected crash before the page is recorded');
      }
      return next(args);
    },
    { step: 'initialize', name: 'crashBeforeThePage' },
  );
  return documentClient(ddb);
}

/** What happens to the project's members between the crash and the redelivery. */
const MEANWHILE: Record<string, (prefix: string) => Promise<unknown>> = {
  'a notified member leaves': (x) => removeMember(ctx, `${x}p`, `${x}r2`, ACTOR),
  'a researcher joins': (x) => addMember(ctx, `${x}p`, `${x}r3`, ACTOR),
  'a notified member loses accreditation': (x) =>
    putResearcher(
      ctx,
      `${x}r2`,
      {
        name: 'Researcher',
        email: 'r2@example.org',
        organisationId: `${x}o`,
        accreditation: anAccreditation({ status: 'expired' }),
      },
      ACTOR,
    ),
  'a newer level change rewrites the summary': async (x) => {
    const newer = await setDatasetLevel(ctx, `${x}d`, 0, 'tightened again', ACTOR);
    await applyChange(ctx, newer.changeId);
  },
};

describe('a change redelivered after it wrote its summary but before it recorded its page', () => {
  it.each(Object.keys(MEANWHILE))(
    'claims and counts exactly whom it first notified when, in between, %s',
    async (meanwhile) => {
      // Arrange: p (level 3) with members r1 and r2; r3 exists but is not a member.
      const x = `redo${Object.keys(MEANWHILE).indexOf(meanwhile)}-`;
      await applyChange(ctx, (await anOrganisation(ctx, `${x}o`, fullAoc())).changeId);
      for (const r of ['r1', 'r2', 'r3']) {
        await applyChange(ctx, (await aResearcher(ctx, `${x}${r}`, `${x}o`)).changeId);
      }
      await aDataset(ctx, `${x}d`, 3);
      for (const c of await aProject(ctx, `${x}p`, [`${x}d`], [`${x}r1`, `${x}r2`])) {
        await applyChange(ctx, c);
      }
      const { changeId } = await setDatasetLevel(ctx, `${x}d`, 1, 'tightened', ACTOR);
      // Act: the change writes the summary and both claims, then dies; the project changes; redelivery.
      const crashing: StoreContext = { ...ctx, doc: crashingBeforeThePage() };
      await expect(runChangePage(crashing, changeId, 0)).rejects.toThrow('injected crash');
      await MEANWHILE[meanwhile]?.(x);
      await runChangePage(ctx, changeId, 0);
      // Assert
      const notified = [];
      for (const r of ['r1', 'r2', 'r3']) {
        const { items } = await listNotifications(ctx, `${x}${r}`);
        notified.push(...items.filter((n) => n.changeId === changeId).map((n) => n.researcherId));
      }
      expect(notified.sort()).toEqual([`${x}r1`, `${x}r2`]);
      expect(await getChange(ctx, changeId)).toMatchObject({ status: 'applied', notifications: 2 });
      const report = await checkInvariants(ctx, { staleAfterMs: 3_600_000 });
      expect(report.violations).toEqual([]);
    },
  );
});

describe('a change that notified nobody, redelivered after a researcher joined', () => {
  it('notifies nobody and counts none', async () => {
    // Arrange: p (level 3) with no members; r exists.
    const x = 'nobody-';
    await applyChange(ctx, (await anOrganisation(ctx, `${x}o`, fullAoc())).changeId);
    await applyChange(ctx, (await aResearcher(ctx, `${x}r`, `${x}o`)).changeId);
    await aDataset(ctx, `${x}d`, 3);
    for (const c of await aProject(ctx, `${x}p`, [`${x}d`], [])) await applyChange(ctx, c);
    const { changeId } = await setDatasetLevel(ctx, `${x}d`, 1, 'tightened', ACTOR);
    // Act
    const crashing: StoreContext = { ...ctx, doc: crashingBeforeThePage() };
    await expect(runChangePage(crashing, changeId, 0)).rejects.toThrow('injected crash');
    await addMember(ctx, `${x}p`, `${x}r`, ACTOR);
    await runChangePage(ctx, changeId, 0);
    // Assert
    const { items } = await listNotifications(ctx, `${x}r`);
    expect(items.filter((n) => n.changeId === changeId)).toEqual([]);
    expect(await getChange(ctx, changeId)).toMatchObject({ status: 'applied', notifications: 0 });
    expect((await getSummary(ctx, `${x}p`))?.accessLevel).toBe(1);
  });
});

describe("a researcher's change redelivered after they left the project it notified them on", () => {
  it('still counts the notice it claimed', async () => {
    // Arrange: r (accredited, full AOC) on p (level 3).
    const x = 'left-';
    await applyChange(ctx, (await anOrganisation(ctx, `${x}o`, fullAoc())).changeId);
    await applyChange(ctx, (await aResearcher(ctx, `${x}r`, `${x}o`)).changeId);
    await aDataset(ctx, `${x}d`, 3);
    for (const c of await aProject(ctx, `${x}p`, [`${x}d`], [`${x}r`])) await applyChange(ctx, c);
    const { changeId } = await putResearcher(
      ctx,
      `${x}r`,
      {
        name: 'Researcher',
        email: 'r@example.org',
        organisationId: `${x}o`,
        accreditation: anAccreditation({ status: 'expired' }),
      },
      ACTOR,
    );
    // Act: the change claims r's notice on p and dies; r leaves p; redelivery.
    const crashing: StoreContext = { ...ctx, doc: crashingBeforeThePage() };
    await expect(runChangePage(crashing, changeId, 0)).rejects.toThrow('injected crash');
    await removeMember(ctx, `${x}p`, `${x}r`, ACTOR);
    await runChangePage(ctx, changeId, 0);
    // Assert
    const { items } = await listNotifications(ctx, `${x}r`);
    expect(items.filter((n) => n.changeId === changeId).map((n) => n.projectId)).toEqual([`${x}p`]);
    expect(await getChange(ctx, changeId)).toMatchObject({ status: 'applied', notifications: 1 });
    const report = await checkInvariants(ctx, { staleAfterMs: 3_600_000 });
    expect(report.violations).toEqual([]);
  });
});
