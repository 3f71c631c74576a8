import type { ConnectorManifest, JsonSchema } from '@connectors/framework/engine';

const yesNo = (b: boolean): string => (b ? 'Yes' : 'No');
const DEVICE_TITLES: Record<string, string> = { dp: 'Data Processor (DP)', sensor: 'Sensor' };
const INDEX_TITLES: Record<string, string> = { syslog: 'Syslog', events: 'Events', assets: 'Assets' };

/**
 * A plugin README in the shape of a connector page: capabilities, collected data, how to locate its
 * records, domain, response actions, credentials, then how to add, test and use the connector.
 */
export function renderConnectorPage(manifest: ConnectorManifest): string {
  const m = manifest;
  const props = (m.configSchema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((m.configSchema.required as string[] | undefined) ?? []);
  const secrets = Object.entries(props).filter(([, p]) => p.secret === true);
  const devices = m.runsOn.devices.map(
    (d) => `${DEVICE_TITLES[d] ?? d}${d === m.runsOn.recommended ? ' (recommended)' : ''}`,
  );
  const interval = m.interval.configurable
    ? `Configurable: ${m.interval.minMinutes}–${m.interval.maxMinutes} min, default ${m.interval.defaultMinutes} min`
    : `Fixed: every ${m.interval.defaultMinutes} min`;
  const lines: string[] = [
    `# ${m.name}`,
    '',
    m.description ?? `${m.name} connector.`,
    '',
    '## Connector overview',
    '',
    '### Capabilities',
    '',
    `- Collect: ${yesNo(m.capabilities.collect)}`,
    `- Respond: ${yesNo(m.capabilities.respond)}`,
    `- Native alerts mapped: ${yesNo(m.capabilities.nativeAlertsMapped)}`,
    `- Runs on: ${devices.join(', ')}`,
    `- Interval: ${interval}`,
    '',
    '### Collected data',
    '',
    '| Content type | Index | Locating records |',
    '| --- | --- | --- |',
    ...m.contentTypes.map(
      (ct) =>
        `| ${ct.title} (\`${ct.id}\`) | ${INDEX_TITLES[ct.index] ?? ct.index}${ct.yieldsAssets ? ' + asset records' : ''} | ` +
        `\`msg_class: ${ct.msgClass}\`, \`msg_origin.source: ${m.origin.source}\`, ` +
        `\`msg_origin.vendor: ${m.origin.vendor}\`, \`msg_origin.category: ${m.origin.category}\` |`,
    ),
    '',
    `Vendor fields are kept under \`${m.origin.source}.<field>\`; blank vendor values are not stored.`,
    '',
    '### Domain',
    '',
    m.domain ?? '`<API URL>` from the connector configuration.',
    '',
    '### Response actions',
    '',
    ...(m.responseActions?.length
      ? [
          '| Action | Title | Target fields | Reverted by |',
          '| --- | --- | --- | --- |',
          ...m.responseActions.map(
            (a) =>
              `| \`${a.id}\` | ${a.title} | ${a.targetFields.map((f) => `\`${f}\``).join(', ') || '–'} | ${a.revert ? `\`${a.revert}\`` : '–'} |`,
          ),
        ]
      : ['N/A']),
    '',
    '### Settings',
    '',
    '| Setting | Required | Description |',
    '| --- | --- | --- |',
    ...Object.entries(props).map(
      ([key, p]) =>
        `| \`${key}\`${p.secret === true ? ' (secret, write-only)' : ''} | ${required.has(key) ? 'Yes' : `No${p.default !== undefined ? ` (default \`${JSON.stringify(p.default)}\`)` : ''}`} | ${(p.description as string | undefined) ?? ''} |`,
    ),
    '',
    '## Obtaining the credentials',
    '',
    ...(secrets.length
      ? [
          `Create ${secrets.map(([k, p]) => `the ${(p.description as string | undefined) ?? k} (\`${k}\`)`).join(' and ')} in the ${m.vendor} console` +
            ` for a user with read access to the data above${m.capabilities.respond ? ' and permission to run the response actions' : ''}. ` +
            'Secret settings are stored encrypted and never displayed again.',
        ]
      : [`${m.name} needs no secret setting.`]),
    '',
    '## Adding the connector',
    '',
    '```sh',
    'connectors tenants create <tenant>',
    `connectors create --plugin ${m.id} --name <name> --tenant <tenant> --run-on ${m.runsOn.recommended} --profile default \\`,
    `  ${Object.keys(props)
      .filter((k) => required.has(k))
      .map((k) => `--set ${k}=<${k}>`)
      .join(' ')}`,
    '```',
    '',
    'Secrets are stored encrypted and never shown again. A connector on a data processor pulls data only while',
    'it is in a data analyzer profile (`--profile`).',
    '',
    '## Testing the connector',
    '',
    '```sh',
    'connectors test <name> --tenant <tenant>',
    '```',
    '',
    'The test runs every step in order and stops at the first failure with a hint on how to fix it.',
    '',
    ...(m.capabilities.respond
      ? [
          '## Running a response action',
          '',
          '```sh',
          ...m.responseActions!.map(
            (a) =>
              `connectors respond <name> --tenant <tenant> ${a.id} ${a.targetFields.map((f) => `--target ${f}=<${f}>`).join(' ')}`,
          ),
          '```',
          '',
        ]
      : []),
    '## Finding its data',
    '',
    '```sh',
    'connectors run <name> --tenant <tenant>        # collect now (the scheduler also pulls every interval)',
    `connectors search --tenant <tenant> --where msg_origin.source=${m.origin.source}`,
    ...(m.contentTypes.some((c) => c.yieldsAssets) ? ['connectors assets --tenant <tenant>'] : []),
    '```',
    '',
    `Search the ${INDEX_TITLES[m.contentTypes[0].index] ?? m.contentTypes[0].index} index for \`msg_origin.source: ${m.origin.source}\`` +
      ` (or one content type with \`msg_class\`).`,
    '',
    '## Development',
    '',
    '```sh',
    `npm test -w plugins/${m.id}    # builds it and runs only its tests`,
    '```',
    '',
    'The tests run against a local fake API (`test/support/`); the conformance suite from `@connectors/testkit`',
    'checks the manifest, config schema, `test()`, `collect()` and every record envelope. See',
    '`docs/plugin-authoring.md` for the next steps.',
    '',
  ];
  return lines.join('\n');
}
