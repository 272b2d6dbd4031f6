/**
 * Imported first by the CLI entry (cli/main.ts), before anything can start libuv's threadpool:
 * its size is read once, at its first use (see platform/threadpool-size.ts).
 */
import { sizeThreadpool } from '../platform/threadpool-size.js';

sizeThreadpool();
