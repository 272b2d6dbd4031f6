import type { CliCommand } from '../command.js';
import { indexCommand } from './index.command.js';
import { runCommand } from './run.command.js';
import { statusCommand } from './status.command.js';
import { modelsCommand } from './models.command.js';
import { facesCommand } from './faces.command.js';

/**
 * Every CLI command, in the order `rawlight help` lists them. Each lives in its own
 * <name>.command.ts file; adding a command is one import and one entry here.
 */
export const commands: CliCommand[] = [
  runCommand,
  indexCommand,
  statusCommand,
  modelsCommand,
  facesCommand,
];
