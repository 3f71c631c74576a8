import { CATEGORIES, ConnectorError, type Category } from '@connectors/framework/engine';
import type { PluginNames } from './types';

/** The manifest schema's id rule, plus a leading letter so the id also makes a valid class name. */
const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_ID_LENGTH = 64;

/** `msg_origin.category` per manifest category: the short lower-case word the data lake searches by. */
export const ORIGIN_CATEGORY: Record<Category, string> = {
  'Endpoint Security': 'endpoint',
  Firewall: 'firewall',
  'Cloud Security': 'cloud',
  Identity: 'identity',
  Email: 'email',
  Network: 'network',
  Vulnerability: 'vulnerability',
  Asset: 'asset',
  Other: 'other',
};

/** Lower-case ASCII words of a display name: accents folded, everything else a separator. */
function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const capitalize = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/**
 * Derives every spelling of a plugin's name from vendor and product (`Acme` + `EDR` → `acme-edr`,
 * `AcmeEdr`, `acme_edr`…). A product that already starts with the vendor is not prefixed twice.
 * Throws SCAFFOLD_INVALID_NAME when the names make no valid plugin id.
 */
export function derivePluginNames(vendor: string, product: string): PluginNames {
  const vendorName = vendor.trim();
  const productName = product.trim();
  const vendorWords = words(vendorName);
  let productWords = words(productName);
  const invalid = (why: string): never => {
    throw new ConnectorError(
      'SCAFFOLD_INVALID_NAME',
      `vendor "${vendor}" and product "${product}" make no valid plugin id: ${why}`,
      {
        hint: 'Use names with latin letters or digits, starting with a letter, e.g. --vendor "Acme" --product "EDR".',
      },
    );
  };
  if (!vendorWords.length) invalid('the vendor has no latin letters or digits');
  if (!productWords.length) invalid('the product has no latin letters or digits');
  const startsWithVendor = vendorWords.every((w, i) => productWords[i] === w);
  if (startsWithVendor) productWords = productWords.slice(vendorWords.length);
  const all = [...vendorWords, ...productWords];
  const id = all.join('-');
  if (!ID_PATTERN.test(id)) invalid(`"${id}" must start with a letter`);
  if (id.length > MAX_ID_LENGTH) invalid(`"${id}" is longer than ${MAX_ID_LENGTH} characters`);
  const pascal = all.map(capitalize).join('');
  return {
    id,
    packageName: `@connectors/plugin-${id}`,
    snake: all.join('_'),
    upper: all.join('_').toUpperCase(),
    pascal,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    name: startsWithVendor ? productName : `${vendorName} ${productName}`,
    vendor: vendorName,
    product: productName,
    vendorSlug: vendorWords.join(''),
  };
}

/** The canonical category for user input (case-insensitive); SCAFFOLD_UNKNOWN_CATEGORY otherwise. */
export function resolveCategory(input: string): Category {
  const wanted = input.trim().toLowerCase();
  const found = CATEGORIES.find((c) => c.toLowerCase() === wanted);
  if (!found) {
    throw new ConnectorError('SCAFFOLD_UNKNOWN_CATEGORY', `unknown category "${input}"`, {
      hint: `Use one of: ${CATEGORIES.join(', ')}.`,
    });
  }
  return found;
}
