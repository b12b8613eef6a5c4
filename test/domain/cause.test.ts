import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accreditationChanges,
  agreementChanges,
  reasonsDenying,
  standingChangedCause,
} from '../../functions/domain/index.js';
import { AGREEMENT_KINDS } from '../../schemas/index.js';
import { arbAccreditation, arbAgreements, arbCause, PROPERTY_RUNS } from '../support/factories.js';

describe('cause facts', () => {
  it('lists exactly the agreement facts that differ, each from one value to another (property)', () => {
    fc.assert(
      fc.property(arbAgreements, arbAgreements, (from, to) => {
        const changes = agreementChanges(from, to);
        for (const kind of AGREEMENT_KINDS)
          for (const f of ['status', 'expiresAt'] as const) {
            const a = from[kind]?.[f] ?? null;
            const b = to[kind]?.[f] ?? null;
            const listed = changes.find((c) => c.field === `${kind}.${f}`);
            expect(listed).toEqual(a === b ? undefined : { field: `${kind}.${f}`, from: a, to: b });
          }
      }),
      PROPERTY_RUNS,
    );
  });

  it('lists exactly the accreditation facts that differ (property)', () => {
    fc.assert(
      fc.property(arbAccreditation, arbAccreditation, (from, to) => {
        const changes = accreditationChanges(from, to);
        const differing = (['status', 'ararSignedAt', 'expiresAt', 'homeAddressOnFile'] as const)
          .filter((f) => (from[f] ?? null) !== (to[f] ?? null))
          .map((f) => `accreditation.${f}`);
        expect(changes.map((c) => c.field)).toEqual(differing);
      }),
      PROPERTY_RUNS,
    );
  });

  it('never lists a fact as going from a value to itself, whatever the cause (property)', () => {
    fc.assert(
      fc.property(arbCause, (cause) => {
        expect(cause.changes.length).toBeGreaterThan(0);
        for (const c of cause.changes) expect(c.from).not.toBe(c.to);
      }),
      PROPERTY_RUNS,
    );
  });

  it('calls a move between organisations an organisation change, even with no accreditation change', () => {
    const accreditation = { status: 'accredited' as const, homeAddressOnFile: true };
    const moved = standingChangedCause(
      'r1',
      { organisationId: 'a', accreditation },
      { organisationId: 'b', accreditation },
    );
    const stayed = standingChangedCause(
      'r1',
      { organisationId: 'a', accreditation },
      { organisationId: 'a', accreditation: { ...accreditation, status: 'expired' } },
    );
    expect(moved.kind).toBe('organisation-changed');
    expect(moved.changes).toEqual([{ field: 'organisationId', from: 'a', to: 'b' }]);
    expect(stayed.kind).toBe('accreditation-changed');
    expect(stayed.changes).toEqual([
      { field: 'accreditation.status', from: 'accredited', to: 'expired' },
    ]);
  });
});

describe('reasonsDenying', () => {
  it('gives the reasons of the removed routes only, in the order of the reasons', () => {
    const denied = [
      { route: 'aoc-office' as const, reasons: ['no-aoc-agreement' as const] },
      {
        route: 'aoc-remote' as const,
        reasons: ['no-aoc-agreement' as const, 'no-home-address' as const],
      },
      { route: 'safepod' as const, reasons: ['not-accredited' as const] },
    ];
    expect(reasonsDenying(['aoc-remote'], denied)).toEqual(['no-aoc-agreement', 'no-home-address']);
    expect(reasonsDenying(['safepod', 'aoc-office'], denied)).toEqual([
      'no-aoc-agreement',
      'not-accredited',
    ]);
    expect(reasonsDenying([], denied)).toEqual([]);
  });
});
