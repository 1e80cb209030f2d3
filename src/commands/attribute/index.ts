/** `gtm attribute`: attribution models over a path-summary file. The CLI wires flags to these. */
export { formatAttributeTable } from './format-attribute-table.ts';
export {
  runAttribute,
  type AttributeOptions,
  type AttributePathRow,
  type AttributeResult,
} from './run-attribute.ts';
export { runAttributeTouchpoints, type AttributeTouchpointsOptions } from './run-attribute-touchpoints.ts';
