import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_EVENT_BUS_NAME,
  DEFAULT_RECONCILE_SCHEDULE,
  PLACEHOLDER_SENDER,
  readConfig,
} from '../../cdk/config.js';
import { CONTACTS } from '../../schemas/index.js';

/** The configuration an app with this context reads. */
const configWith = (context: Record<string, unknown>) => readConfig(new App({ context }).node);
const SENDER = { senderAddress: 'no-reply@srs.ons.gov.uk' };

describe('deployment configuration', () => {
  it('requires senderAddress and says how to pass it', () => {
    expect(() => configWith({})).toThrow(ConfigError);
    expect(() => configWith({})).toThrow(/senderAddress is required.*-c senderAddress=/);
  });

  it('rejects a sender that is not an email address', () => {
    expect(() => configWith({ senderAddress: 'srs.ons.gov.uk' })).toThrow(/senderAddress/);
  });

  it('takes prebuilt bundles only from a directory that exists', () => {
    expect(configWith(SENDER).bundlesDir).toBeUndefined();
    expect(configWith({ ...SENDER, bundlesDir: '.' }).bundlesDir).toBe('.');
    expect(() => configWith({ ...SENDER, bundlesDir: 'no/such/dir' })).toThrow(
      /bundlesDir: 'no\/such\/dir' does not exist/,
    );
  });

  it('marks the offline-synth placeholder sender', () => {
    expect(configWith({ senderAddress: PLACEHOLDER_SENDER }).senderIsPlaceholder).toBe(true);
    expect(configWith(SENDER).senderIsPlaceholder).toBe(false);
  });

  it('defaults: own bus, hourly reconcile, the service contacts, no alarm email', () => {
    expect(configWith(SENDER)).toMatchObject({
      eventBus: { kind: 'create', name: DEFAULT_EVENT_BUS_NAME },
      reconcileSchedule: DEFAULT_RECONCILE_SCHEDULE,
      expiryWarningDays: [30, 7],
      customerSupportAddress: CONTACTS.projectAccess,
      connectivityAddress: CONTACTS.connectivity,
    });
    expect(configWith(SENDER).alarmEmail).toBeUndefined();
  });

  it('uses the default bus for eventBusName=default and an existing bus for any other name', () => {
    expect(configWith({ ...SENDER, eventBusName: 'default' }).eventBus).toEqual({
      kind: 'default',
    });
    expect(configWith({ ...SENDER, eventBusName: 'org-bus' }).eventBus).toEqual({
      kind: 'existing',
      name: 'org-bus',
    });
  });

  it('reads the expiry warning windows, and rejects a window that is not whole days from 1 to 365', () => {
    expect(configWith({ ...SENDER, expiryWarningDays: '14, 3,1' }).expiryWarningDays).toEqual([
      14, 3, 1,
    ]);
    for (const bad of ['0', '30,x', '7.5', '400']) {
      expect(() => configWith({ ...SENDER, expiryWarningDays: bad }), bad).toThrow(
        /context parameter expiryWarningDays must list whole days/,
      );
    }
  });

  it('rejects a schedule that is not a Scheduler expression', () => {
    expect(() => configWith({ ...SENDER, reconcileSchedule: 'daily' })).toThrow(
      /reconcileSchedule/,
    );
  });

  it('rejects malformed contact and alarm addresses', () => {
    expect(() => configWith({ ...SENDER, alarmEmail: 'oncall' })).toThrow(/alarmEmail/);
    expect(() => configWith({ ...SENDER, connectivityAddress: 'x' })).toThrow(
      /connectivityAddress/,
    );
  });

  it('rejects plain-http callback URLs other than localhost', () => {
    expect(() => configWith({ ...SENDER, authCallbackUrls: 'http://app.example.org/cb' })).toThrow(
      /authCallbackUrls/,
    );
    expect(
      configWith({
        ...SENDER,
        authCallbackUrls: 'https://a.example.org/cb, http://localhost:3000/cb',
      }).authCallbackUrls,
    ).toEqual(['https://a.example.org/cb', 'http://localhost:3000/cb']);
  });
});
