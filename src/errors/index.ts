export { ErrorCodes, type ErrorCode } from './codes.js';
export { DaemonError, isDaemonError, toDaemonError } from './daemon-error.js';
