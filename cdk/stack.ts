import {
  Annotations,
  CfnOutput,
  type CfnResource,
  Duration,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type ConsumerName, STREAM_CONSUMERS } from '../functions/handlers/consumers.js';
import type { HandlerName } from './bundling.js';
import type { DeploymentConfig } from './config.js';
import { Auth } from './constructs/auth.js';
import { DomainEvents } from './constructs/events.js';
import { HandlerFunction } from './constructs/handler-function.js';
import { Api } from './constructs/http-api.js';
import { NotificationSending } from './constructs/notifications.js';
import { Operations } from './constructs/operations.js';
import { Reconciler } from './constructs/reconciler.js';
import { StreamConsumer } from './constructs/stream-consumer.js';
import { AccessTable, type TableAccess } from './constructs/table.js';

/**
 * The table actions each function uses: nothing more. The permissions test
 * (`test/permissions/`) holds every call the functions make in the test runs
 * to the template built from this, and lists grants no call used. `publish`
 * reads only the stream; the pre-token trigger never touches the table.
 */
export const TABLE_ACCESS: Record<Exclude<HandlerName, 'preToken'>, TableAccess> = {
  api: {
    table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'DeleteItem', 'ConditionCheckItem'],
    // byRef: relationships from their other end; feed: GET /v1/access-changes.
    queryIndexes: ['byRef', 'feed'],
  },
  changes: {
    table: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
    queryIndexes: ['byRef'],
  },
  // Reads a batch's notifications and recipients at once, marks each delivered.
  deliver: { table: ['BatchGetItem', 'UpdateItem'], queryIndexes: [] },
  publish: { table: [], queryIndexes: [] },
  reconcile: { table: ['Scan', 'GetItem', 'Query', 'PutItem', 'UpdateItem'], queryIndexes: [] },
};

/** Size and batching of each function. */
export const FUNCTION_SETTINGS = {
  api: { memorySize: 1024, timeout: Duration.seconds(29) },
  changes: { memorySize: 1024, timeout: Duration.minutes(2), batchSize: 10, retryAttempts: 5 },
  deliver: { memorySize: 512, timeout: Duration.seconds(60), batchSize: 10, retryAttempts: 3 },
  publish: { memorySize: 512, timeout: Duration.seconds(60), batchSize: 25, retryAttempts: 3 },
  reconcile: { memorySize: 2048, timeout: Duration.minutes(15) },
  preToken: { memorySize: 256, timeout: Duration.seconds(5) },
} as const;

/** `changes` → `Changes`: construct ids from handler names. */
function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

const DESCRIPTIONS: Record<HandlerName, string> = {
  api: 'srs-access HTTP API v1 (Hono)',
  changes: 'srs-access stream consumer: carries out changes and import jobs a page at a time',
  deliver: 'srs-access stream consumer: sends narrowing notifications by SES',
  publish: 'srs-access stream consumer: publishes domain events to EventBridge',
  reconcile: 'srs-access reconciler: invariant check, repair, expiry sweep',
  preToken: 'srs-access Cognito trigger: researcher_id claim',
};

/** Properties of {@link SrsAccessStack}. */
export interface SrsAccessStackProps extends StackProps {
  /** The validated deployment configuration (see `readConfig`). */
  readonly config: DeploymentConfig;
}

/**
 * srs-access on AWS: the table, the five handlers and the Cognito trigger
 * as Lambda functions, the stream consumers, the HTTP API behind Cognito,
 * SES sending, the event bus, the reconciler's schedule and the alarms.
 */
export class SrsAccessStack extends Stack {
  /** The one table. */
  readonly table: AccessTable;
  /** One function per handler. */
  readonly functions: Record<HandlerName, HandlerFunction>;
  /** The stream event sources and their failure queues, per consumer. */
  readonly consumers: Record<ConsumerName, StreamConsumer>;
  /** The user pool, its groups, resource server and clients. */
  readonly auth: Auth;
  /** The HTTP API. */
  readonly api: Api;
  /** The domain-event bus. */
  readonly events: DomainEvents;
  /** The reconciler's schedule. */
  readonly reconciler: Reconciler;
  /** Alarms, their topic and the dashboard. */
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: SrsAccessStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (config.senderIsPlaceholder) {
      Annotations.of(this).addWarningV2(
        'srs-access:placeholderSender',
        `senderAddress ${config.senderAddress} is a placeholder: deploy with -c senderAddress=<an SES-verified address>`,
      );
    }

    this.table = new AccessTable(this, 'Data');
    this.events = new DomainEvents(this, 'Events', { bus: config.eventBus });
    const sending = new NotificationSending(this, 'Notifications', {
      senderAddress: config.senderAddress,
      ...(config.sesConfigurationSet !== undefined && {
        configurationSet: config.sesConfigurationSet,
      }),
    });

    const tableEnv = { TABLE_NAME: this.table.table.tableName };
    const contacts = {
      CUSTOMER_SUPPORT_ADDRESS: config.customerSupportAddress,
      CONNECTIVITY_ADDRESS: config.connectivityAddress,
    };
    const environments: Record<HandlerName, Record<string, string>> = {
      api: { ...tableEnv, ...contacts },
      changes: { ...tableEnv, ...contacts },
      deliver: { ...tableEnv, ...contacts, ...sending.environment },
      publish: { EVENT_BUS_NAME: this.events.bus.eventBusName },
      reconcile: {
        ...tableEnv,
        ...contacts,
        EXPIRY_WARNING_DAYS: config.expiryWarningDays.join(','),
      },
      preToken: {},
    };
    // The stream consumers reserve concurrency, so a burst of API traffic can
    // never take the slots propagation and delivery need.
    const reserved = (name: HandlerName) =>
      name in STREAM_CONSUMERS && config.consumerReservedConcurrency > 0
        ? { reservedConcurrency: config.consumerReservedConcurrency }
        : {};
    const make = (name: HandlerName) =>
      new HandlerFunction(this, `${pascal(name)}Function`, {
        handler: name,
        description: DESCRIPTIONS[name],
        memorySize: FUNCTION_SETTINGS[name].memorySize,
        timeout: FUNCTION_SETTINGS[name].timeout,
        environment: environments[name],
        ...reserved(name),
        ...(config.bundlesDir !== undefined && { bundlesDir: config.bundlesDir }),
      });
    this.functions = {
      api: make('api'),
      changes: make('changes'),
      deliver: make('deliver'),
      publish: make('publish'),
      reconcile: make('reconcile'),
      preToken: make('preToken'),
    };
    for (const name of Object.keys(TABLE_ACCESS) as (keyof typeof TABLE_ACCESS)[]) {
      this.table.grantAccess(this.functions[name].fn, TABLE_ACCESS[name]);
    }
    sending.grantSend(this.functions.deliver.fn);
    this.events.grantPublish(this.functions.publish.fn);

    const consumer = (name: ConsumerName) =>
      new StreamConsumer(this, `${pascal(name)}Stream`, {
        table: this.table.table,
        fn: this.functions[name].fn,
        patterns: STREAM_CONSUMERS[name],
        batchSize: FUNCTION_SETTINGS[name].batchSize,
        retryAttempts: FUNCTION_SETTINGS[name].retryAttempts,
      });
    this.consumers = {
      changes: consumer('changes'),
      deliver: consumer('deliver'),
      publish: consumer('publish'),
    };

    this.auth = new Auth(this, 'Auth', {
      preTokenFunction: this.functions.preToken.fn,
      callbackUrls: config.authCallbackUrls,
      ...(config.authDomainPrefix !== undefined && { domainPrefix: config.authDomainPrefix }),
    });
    this.api = new Api(this, 'Api', {
      handler: this.functions.api.fn,
      jwtIssuer: this.auth.issuerUrl,
      jwtAudience: [
        this.auth.userClient.userPoolClientId,
        this.auth.machineClient.userPoolClientId,
      ],
    });

    this.reconciler = new Reconciler(this, 'Reconciler', {
      fn: this.functions.reconcile.fn,
      schedule: config.reconcileSchedule,
    });

    this.operations = new Operations(this, 'Operations', {
      failureQueues: [
        ...Object.entries(this.consumers).map(([name, c]) => ({
          name,
          resource: c.failureQueue,
        })),
        { name: 'reconcile-schedule', resource: this.reconciler.failureQueue },
      ],
      streamConsumers: (Object.keys(this.consumers) as ConsumerName[]).map((name) => ({
        name,
        resource: this.functions[name].fn,
      })),
      functions: Object.entries(this.functions).map(([name, f]) => ({ name, resource: f.fn })),
      apiStage: this.api.stage,
      ...(config.alarmEmail !== undefined && { alarmEmail: config.alarmEmail }),
    });

    this.outputs();
    this.suppressions();
  }

  private outputs(): void {
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserClientId', {
      value: this.auth.userClient.userPoolClientId,
      description: 'App client for people (SRP, password or authorisation code with PKCE)',
    });
    new CfnOutput(this, 'MachineClientId', {
      value: this.auth.machineClient.userPoolClientId,
      description: 'App client for machine callers (client credentials, scope srs-access/read)',
    });
    new CfnOutput(this, 'TokenEndpoint', {
      value: `${this.auth.domain.baseUrl()}/oauth2/token`,
      description: 'Cognito OAuth token endpoint',
    });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.operations.topic.topicArn });
  }

  /**
   * cdk-nag findings accepted on purpose, each with its reason
   * (`Validations.acknowledge`, cdk-nag v3's suppression mechanism).
   */
  private suppressions(): void {
    for (const [name, f] of Object.entries(this.functions)) {
      Validations.of(f.tracing).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so their Resource is "*". They stand alone in this policy; a wildcard anywhere else on the role is reported.',
      });
      Validations.of(f.fn).acknowledge({
        id: 'AwsSolutions-L1',
        reason: `The ${name} function runs nodejs22.x on purpose: the bundles target node22 (cdk/bundling.ts) and the system is built and tested for Node 22; moving to a newer runtime is a deliberate, tested change.`,
      });
    }
    for (const route of this.api.openRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Deliberately open, read-only routes (design section 7): GET /health for probes, GET /v1/openapi.json and GET /docs for the public contract. Every other route has the Cognito JWT authorizer.',
      });
    }
    for (const queue of [
      ...Object.values(this.consumers).map((c) => c.failureQueue),
      this.reconciler.failureQueue,
    ]) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a failure destination (a stream on-failure destination or the schedule dead-letter queue); it is alarmed on depth and needs no dead-letter queue of its own.',
      });
    }
    const reconcileId = this.resolve(
      this.getLogicalId(this.functions.reconcile.fn.node.defaultChild as CfnResource),
    ) as string;
    Validations.of(this.reconciler.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${reconcileId}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the reconcile function and its versions/aliases (the ":*" that grantInvoke adds): the schedule role can invoke that one function and nothing else.',
    });
    Validations.of(this.auth.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Essentials feature plan is chosen: it provides the access-token customisation the researcher_id trigger needs; Plus (threat protection) is a cost decision for the operator. Accounts are administrator-created and TOTP MFA is required.',
    });
  }
}
