import {
  Connector,
  ConnectorError,
  inject,
  injectable,
  perConfig,
  TOKENS,
  type Clock,
  type CollectContext,
  type CollectedPage,
  type HttpClientFactory,
  type Logger,
  type NormalizedRecord,
  type ResolvedConfig,
  type RunContext,
  type TestStep,
} from '@connectors/framework';
import { concat, defer, type Observable, throwError } from 'rxjs';
import { connectionChecks } from './checks/connection.checks';
import { CloudOneClient } from './client/cloud-one.client';
import { normalizeCloudOneConfig } from './config/cloud-one.config';
import { computersStream } from './collect/computers.stream';
import type { ComputerDto } from './internal-types';
import { normalizeComputer } from './normalize/computer.mapper';
import { COMPUTERS, type CloudOneConfig } from './types';

/** Trend Micro Cloud One Workload Security: the computer inventory to the Syslog index and assets. */
@injectable()
export class CloudOneConnector extends Connector<CloudOneConfig, ComputerDto> {
  constructor(
    @inject(TOKENS.HttpClientFactory) private readonly httpClientFactory: HttpClientFactory,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {
    super();
  }

  protected override normalizeConfig(config: ResolvedConfig): CloudOneConfig {
    return normalizeCloudOneConfig(config, { development: this.httpClientFactory.development });
  }

  protected override testSteps(ctx: RunContext<CloudOneConfig>): TestStep<CloudOneConfig>[] {
    return connectionChecks(this.clientFor(ctx.config), this);
  }

  collect(ctx: CollectContext<CloudOneConfig>): Observable<CollectedPage<ComputerDto>> {
    return defer(() => {
      const unknown = ctx.contentTypes.filter((c) => c !== COMPUTERS);
      if (unknown.length) {
        return throwError(
          () =>
            new ConnectorError('UNKNOWN_CONTENT_TYPE', `unknown content type(s): ${unknown.join(', ')}`, {
              hint: `${this.manifest.name} collects: ${COMPUTERS}.`,
            }),
        );
      }
      const client = this.clientFor(ctx.config);
      // One stream per requested content type, each once (there is one today: computers).
      const streams = [...new Set(ctx.contentTypes)].map(() =>
        computersStream({
          client,
          pageSize: ctx.config.pageSize,
          expand: ctx.config.expand,
          demand: ctx.demand,
          signal: ctx.signal,
          logger: ctx.logger,
        }),
      );
      return concat(...streams);
    });
  }

  normalize(contentType: string, raw: ComputerDto): NormalizedRecord {
    if (contentType !== COMPUTERS) {
      throw new ConnectorError('UNKNOWN_CONTENT_TYPE', `unknown content type: ${contentType}`, {
        hint: `Use ${COMPUTERS}.`,
      });
    }
    return normalizeComputer(raw);
  }

  // One client per resolved config: its HTTP agent keeps connections alive across pages.
  private readonly clientFor = perConfig((config: CloudOneConfig) =>
    CloudOneClient.fromConfig(config, {
      httpClientFactory: this.httpClientFactory,
      clock: this.clock,
      logger: this.logger,
    }),
  );
}
