import type { Connector } from './connector.base';
import { ConnectorError } from './errors';
import { buildEnvelope } from './records/envelope';
import type { ResolvedConfig, TestStep } from './types';

export interface NormalizeOneOptions<TRaw> {
  contentType: string;
  /** The object to normalize, usually one an earlier step read; undefined when there is none yet. */
  sample(): TRaw | undefined;
  /** Names the object in the step's detail (default `the first object`). */
  describe?(raw: TRaw): string;
  /** The detail when there is nothing to normalize (default: the first page was empty). */
  none?: string;
}

/**
 * The stock last step of `test()`: one vendor object through the plugin's `normalize()` and the
 * framework's envelope, checked against the manifest (message class, origin, record id, an asset
 * where the content type yields assets). Nothing is published.
 */
export function normalizeOneStep<TConfig extends ResolvedConfig, TRaw>(
  connector: Connector<TConfig, TRaw>,
  options: NormalizeOneOptions<TRaw>,
): TestStep<TConfig> {
  return {
    id: 'normalize',
    title: 'One record normalized and enveloped',
    run: async (ctx) => {
      const raw = options.sample();
      if (raw === undefined) return options.none ?? 'nothing to normalize (the first page was empty)';
      const manifest = connector.manifest;
      const name = options.describe?.(raw) ?? 'the first object';
      const { entry } = buildEnvelope({
        manifest,
        instance: ctx.instance,
        contentType: options.contentType,
        normalized: connector.normalize(options.contentType, raw),
        now: connector.now(),
      });
      const spec = manifest.contentTypes.find((c) => c.id === options.contentType)!;
      const problems: string[] = [];
      if (entry.record.msg_class !== spec.msgClass) problems.push(`msg_class is ${entry.record.msg_class}`);
      if (entry.record.msg_origin.source !== manifest.origin.source)
        problems.push('msg_origin.source differs from the manifest');
      if (!entry.record.id) problems.push('no record id');
      if (spec.yieldsAssets && !entry.asset) problems.push('no asset record');
      if (problems.length) {
        throw new ConnectorError(
          'NORMALIZE_CHECK_FAILED',
          `${name} did not normalize into a valid record: ${problems.join('; ')}`,
          { hint: 'This is a connector defect; report it with the vendor object (without secrets).' },
        );
      }
      const asset = entry.asset ? `, asset by ${entry.asset.primaryKey.key}` : '';
      return `${name} → record ${entry.record.id.slice(0, 12)}…${asset}`;
    },
  };
}
