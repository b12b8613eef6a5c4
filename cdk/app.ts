/**
 * The CDK app of srs-access: `cdk synth|diff|deploy` (see `cdk.json`). The
 * configuration comes from context parameters (`-c name=value` or
 * `cdk.json`), validated by `readConfig`:
 *
 * - `senderAddress` (required): the SES-verified address notifications are
 *   sent from. `npm run synth` passes the placeholder `no-reply@example.com`
 *   so that synthesis works offline; never deploy it.
 * - `customerSupportAddress`, `connectivityAddress`: the contact addresses
 *   (default: the service's own), passed to the functions as environment.
 * - `eventBusName`: unset creates the bus `srs-access`; `default` uses the
 *   account's default bus; any other name uses that existing bus.
 * - `alarmEmail`: subscribes an address to the alarm topic.
 * - `reconcileSchedule`: a Scheduler expression, default `rate(1 hour)`.
 * - `sesConfigurationSet`, `authDomainPrefix`, `authCallbackUrls`: optional.
 * - `stackName`: default `srs-access`.
 *
 * The stack is environment-agnostic (no account or region lookups), so
 * synthesis needs no AWS credentials or network; the deploying credentials
 * choose the account and region. cdk-nag's AWS Solutions checks run on
 * every synthesis (a CDK validation plugin: any unacknowledged finding fails
 * it); every acknowledgement in the stack carries its reason.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config.js';
import { SrsAccessStack } from './stack.js';

const app = new App();
const stackName: unknown = app.node.tryGetContext('stackName');
new SrsAccessStack(app, 'SrsAccess', {
  stackName: typeof stackName === 'string' && stackName !== '' ? stackName : 'srs-access',
  description:
    'srs-access: dataset access levels, project levels, permitted routes and notifications',
  config: readConfig(app.node),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
