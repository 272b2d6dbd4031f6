/**
 * The error catalog. Every failure a user can meet has a code here, a one-line meaning, and
 * whether retrying may help. docs/errors.md lists the same codes (a test keeps them in step).
 */
export const ErrorCodes = {
  CONFIG_INVALID: { retryable: false, message: 'The configuration file is invalid' },
  CONFIG_UNREADABLE: { retryable: false, message: 'The configuration file cannot be read' },
  DB_FROM_FUTURE: { retryable: false, message: 'The database was written by a newer rawlight' },
  DB_MIGRATION_FAILED: { retryable: false, message: 'A database migration failed' },
  DAEMON_ALREADY_RUNNING: { retryable: false, message: 'Another rawlight daemon is running on this home' },
  FILE_NOT_FOUND: { retryable: false, message: 'The file vanished before it could be read' },
  FILE_PERMISSION_DENIED: { retryable: true, message: 'Permission denied reading the file' },
  FILE_UNREADABLE: { retryable: true, message: 'The file could not be read' },
  FILE_CLOUD_ONLY: { retryable: true, message: 'The file is an iCloud placeholder (not downloaded)' },
  FILE_CHANGED_DURING_PASS: { retryable: true, message: 'The file changed while it was being processed' },
  FILE_EMPTY: { retryable: false, message: 'The file is empty (zero bytes)' },
  METADATA_UNREADABLE: { retryable: false, message: 'ExifTool could not read the file' },
  PREVIEW_NONE: { retryable: false, message: 'The file has no usable embedded preview' },
  PREVIEW_DECODE_FAILED: { retryable: false, message: 'The image data could not be decoded' },
  HEIC_DECODER_MISSING: { retryable: true, message: 'No HEVC decoder is available for this HEIC file' },
  MODEL_MISSING: { retryable: true, message: 'A model needed by this pass is not installed' },
  MODEL_INVALID: { retryable: true, message: 'A model file is corrupt or has an unexpected signature' },
  INFERENCE_FAILED: { retryable: true, message: 'Model inference failed' },
  SIDECAR_MALFORMED: { retryable: false, message: 'The XMP sidecar is malformed; it was left untouched' },
  WRITE_CONFLICT: { retryable: false, message: 'The file holds a value rawlight did not write; not overwritten' },
  WRITE_FAILED: { retryable: true, message: 'Writing XMP failed' },
  WRITE_VERIFY_FAILED: { retryable: false, message: 'The image data changed during an embedded write; the original was restored' },
  WRITE_TIMEOUT: { retryable: true, message: 'The XMP write timed out' },
  PASS_TIMEOUT: { retryable: true, message: 'The pass took too long' },
  JOB_STALE: { retryable: false, message: 'The job no longer matches the file; superseded' },
  INTERNAL: { retryable: true, message: 'Unexpected internal error' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

export type ErrorCode = keyof typeof ErrorCodes;
