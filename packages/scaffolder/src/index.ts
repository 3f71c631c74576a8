export { scaffoldPlugin, TEMPLATES } from './plugin.scaffolder';
export { derivePluginNames, resolveCategory, ORIGIN_CATEGORY } from './plugin-names';
export { renderConnectorPage } from './connector-page.renderer';
export { addProjectReference } from './workspace.tsconfig';
export { createRenamer } from './template.renderer';
export type { ScaffoldOptions, ScaffoldResult, PluginNames, TemplateSpec } from './types';
