// pino-roll 4 ships no types: the factory as rawlight calls it (its README's "Usage"). It returns a
// SonicBoom stream; typed here by what rawlight uses of it (pino's stream, and its 'error' event),
// so no package rawlight does not depend on is named.
declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';
  import type { DestinationStream } from 'pino';

  interface PinoRollOptions {
    file: string;
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    symlink?: boolean;
    dateFormat?: string;
    mkdir?: boolean;
    /** SonicBoom's: each line written before the call returns. */
    sync?: boolean;
    /** SonicBoom's: bytes kept while writes fail; beyond them lines are dropped. */
    maxLength?: number;
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<DestinationStream & EventEmitter>;
}
