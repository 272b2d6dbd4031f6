import type { CliCommand } from '../command.js';

/**
 * Every CLI command, in the order `rawlight help` lists them. Each lives in its own
 * <name>.command.ts file; adding a command is one import and one entry here.
 */
export const commands: CliCommand[] = [];
