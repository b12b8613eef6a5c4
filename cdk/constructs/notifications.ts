import { Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Properties of {@link NotificationSending}. */
export interface NotificationSendingProps {
  /** The `From` address; it, or its domain, is a verified SES identity of the account and region. */
  readonly senderAddress: string;
  /** An existing SES configuration set the sender uses, if any. */
  readonly configurationSet?: string;
}

/**
 * Sending notification email with SES v2 from one configured identity.
 * The grant names that identity (the address, and its domain in case the
 * domain is what was verified) and the configuration set, and requires the
 * `From` address to be the configured one.
 */
export class NotificationSending extends Construct {
  /** The environment the delivering function reads. */
  readonly environment: Readonly<Record<string, string>>;
  private readonly props: NotificationSendingProps;

  constructor(scope: Construct, id: string, props: NotificationSendingProps) {
    super(scope, id);
    this.props = props;
    this.environment = {
      SENDER_ADDRESS: props.senderAddress,
      ...(props.configurationSet !== undefined && {
        SES_CONFIGURATION_SET: props.configurationSet,
      }),
    };
  }

  /** The SES resources a send touches: the identities and, if set, the configuration set. */
  resourceArns(): string[] {
    const stack = Stack.of(this);
    const domain = this.props.senderAddress.split('@')[1] ?? this.props.senderAddress;
    const identity = (name: string) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    return [
      identity(this.props.senderAddress),
      identity(domain),
      ...(this.props.configurationSet !== undefined
        ? [
            stack.formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: this.props.configurationSet,
            }),
          ]
        : []),
    ];
  }

  /** Lets `grantee` send email from the configured address only. */
  grantSend(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: this.resourceArns(),
        conditions: { StringEquals: { 'ses:FromAddress': this.props.senderAddress } },
      }),
    );
  }
}
