export { ConfigSchema, type Config, type ConfigInput } from './schema.js';
export { loadConfig, parseConfig, readConfigFile, saveConfigFile, configPath, modelsDir, isLoopback, describeIssues } from './load.js';
