import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { entryPath, type HandlerName, LOCK_FILE, lambdaBundling, REPO_ROOT } from '../bundling.js';

/** The runtime of every function. */
export const RUNTIME = Runtime.NODEJS_22_X;
/** The architecture of every function. */
export const ARCHITECTURE = Architecture.ARM_64;

/** Properties of {@link HandlerFunction}. */
export interface HandlerFunctionProps {
  /** Which handler of `functions/handlers/` this function runs. */
  readonly handler: HandlerName;
  /** What the function does, for the console. */
  readonly description: string;
  /** Memory in MB (CPU scales with it). */
  readonly memorySize: number;
  /** The longest one invocation may run. */
  readonly timeout: Duration;
  /** Environment besides the common variables. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Concurrency reserved for (and capping) this function; default none. */
  readonly reservedConcurrency?: number;
  /** Bundles already built (`<dir>/<handler>/index.mjs`): deploy this one instead of bundling. */
  readonly bundlesDir?: string;
  /** How long its logs are kept; default three months. */
  readonly logRetention?: RetentionDays;
}

/**
 * One Lambda function running one handler: bundled from TypeScript with the
 * shared esbuild settings (ES module, minified, source maps), Node 22 on
 * ARM64, active X-Ray tracing, its own log group with a retention period, and
 * its own role that starts with nothing but writing to that log group (no
 * AWS-managed policy); every other permission is granted explicitly.
 */
export class HandlerFunction extends Construct {
  /** The function. */
  readonly fn: NodejsFunction;
  /** Its execution role. */
  readonly role: Role;
  /** The role's X-Ray write permissions, the only wildcard resource it has. */
  readonly tracing: Policy;
  /** Its log group. */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the srs-access ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);
    // X-Ray's two write actions support no resource-level permissions, so they
    // need Resource "*". They get a policy of their own (not the role's default
    // policy, where Tracing.ACTIVE would put them), so that the wildcard is
    // acknowledged there alone and any other wildcard on the role is flagged.
    this.tracing = new Policy(this, 'Tracing', {
      roles: [this.role],
      statements: [
        new PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: entryPath(props.handler),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: RUNTIME,
      architecture: ARCHITECTURE,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ...(props.reservedConcurrency !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrency,
      }),
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.bundlesDir === undefined
        ? { bundling: lambdaBundling() }
        : { code: Code.fromAsset(join(props.bundlesDir, props.handler)) }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'srs-access',
        ...props.environment,
      },
    });
    (this.fn.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    this.fn.node.addDependency(this.tracing);
  }
}
