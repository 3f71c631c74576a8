import type { Category } from '@connectors/framework/engine';

export interface ScaffoldOptions {
  /** The monorepo root: it holds `package.json`, `tsconfig.json`, `examples/` and `plugins/`. */
  workspaceRoot: string;
  /** Vendor display name, e.g. `Acme`. */
  vendor: string;
  /** Product display name, e.g. `EDR`. */
  product: string;
  /** One of the framework's CATEGORIES (matched case-insensitively), e.g. `Endpoint Security`. */
  category: string;
  /** Start from the Respond example (response actions) instead of the minimal collector. */
  respond?: boolean;
}

export interface ScaffoldResult {
  /** The new plugin id, e.g. `acme-edr`. */
  id: string;
  /** Absolute directory of the new plugin (`<workspaceRoot>/plugins/<id>`). */
  dir: string;
  /** Workspace-relative paths of every file written or updated (the root `tsconfig.json` last). */
  files: string[];
}

/** Every spelling of a plugin's name that the example templates use, derived from vendor + product. */
export interface PluginNames {
  /** kebab-case plugin id: `acme-edr`. */
  id: string;
  /** npm package name: `@connectors/plugin-acme-edr`. */
  packageName: string;
  /** snake_case record source key and msg_class prefix: `acme_edr`. */
  snake: string;
  /** SCREAMING_SNAKE for constants: `ACME_EDR`. */
  upper: string;
  /** PascalCase for classes: `AcmeEdr`. */
  pascal: string;
  /** camelCase for functions and variables: `acmeEdr`. */
  camel: string;
  /** Display name: `Acme EDR`. */
  name: string;
  vendor: string;
  product: string;
  /** `msg_origin.vendor`: the vendor in lower case without separators: `acme`. */
  vendorSlug: string;
}

export interface TemplateSpec {
  /** Workspace-relative directory of the example the plugin is rendered from. */
  dir: string;
  /** Names the example is written with; each spelling is replaced by the new plugin's. */
  names: PluginNames;
  category: Category;
}
