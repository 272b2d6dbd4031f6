export { ErrorCodes, NEEDS_INSTALL, type ErrorCode } from './codes.js';
export { DaemonError, isDaemonError, storeError, toDaemonError } from './daemon-error.js';
