/**
 * Imported by the CLI entry (cli/main.ts) right after the threadpool sizing, before any photo is
 * decoded: V8's heap settings for the daemon (see platform/v8-heap.ts).
 */
import { tuneV8Heap } from '../platform/v8-heap.js';

tuneV8Heap();
