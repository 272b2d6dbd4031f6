export { createLogger, silentLogger, stderrLogger, type Logger, type LoggerOptions } from './logger.js';
