import type { CliCommand } from '../command.js';
import { indexCommand } from './index.command.js';
import { runCommand } from './run.command.js';
import { setupCommand } from './setup.command.js';
import { doctorCommand } from './doctor.command.js';
import { showCommand } from './show.command.js';
import { statusCommand } from './status.command.js';
import { modelsCommand } from './models.command.js';
import { facesCommand } from './faces.command.js';
import { agentCommand } from './agent.command.js';
import { writebackCommand } from './writeback.command.js';
import { searchCommand } from './search.command.js';
import { similarCommand } from './similar.command.js';
import { peopleCommand } from './people.command.js';
import { duplicatesCommand } from './duplicates.command.js';
import { openCommand } from './open.command.js';
import { tokenCommand } from './token.command.js';

/**
 * Every CLI command, in the order `rawlight help` lists them. Each lives in its own
 * <name>.command.ts file; adding a command is one import and one entry here.
 */
export const commands: CliCommand[] = [
  runCommand,
  indexCommand,
  statusCommand,
  showCommand,
  doctorCommand,
  setupCommand,
  modelsCommand,
  facesCommand,
  writebackCommand,
  searchCommand,
  similarCommand,
  peopleCommand,
  duplicatesCommand,
  agentCommand,
  openCommand,
  tokenCommand,
];
