import type { PluginNames } from './types';

/**
 * Replaces every spelling of the template's names with the new plugin's, in one pass (so a new name
 * that contains an old one, `example-edr` → `example-edr-2`, is never replaced twice).
 */
export function createRenamer(from: PluginNames, to: PluginNames): (text: string) => string {
  const pairs: Array<[string, string]> = [
    [from.packageName, to.packageName],
    [from.name, to.name],
    [from.id, to.id],
    [from.snake, to.snake],
    [from.upper, to.upper],
    [from.pascal, to.pascal],
    [from.camel, to.camel],
  ];
  const map = new Map(pairs);
  // Longest first, so `@connectors/example-edr` wins over `example-edr`.
  const alternation = [...map.keys()]
    .sort((a, b) => b.length - a.length)
    .map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|');
  const pattern = new RegExp(alternation, 'g');
  return (text) => text.replace(pattern, (match) => map.get(match) ?? match);
}
