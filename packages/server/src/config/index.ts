// Public entry of the configuration module; the package index re-exports it.
export { configSchema, defaultConfig } from './schema.js';
export type {
  BrokerConfig,
  ConfigKey,
  Field,
  IntField,
  BoolField,
  StringField,
  EnumField,
} from './schema.js';
export { loadConfig, resolveConfig } from './load.js';
export type { ConfigSources, ResolvedConfig } from './load.js';
export { ConfigError, isConfigError, formatProblem } from './errors.js';
export type { ConfigProblem } from './errors.js';
export { envNameFor, suggestKey, configKeys, ENV_PREFIX } from './names.js';
export { describeField } from './values.js';
