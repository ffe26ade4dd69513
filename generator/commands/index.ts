/** The CLI's commands; adding one is a module in this folder and a line here. */
import type { CommandModule } from 'yargs';
import { generateCommand } from './generate.js';
import { validateCommand } from './validate.js';
import { simCommand } from './sim.js';
import { regressCommand } from './regress.js';
import { synthCommand } from './synth.js';
import { sweepCommand, sweepMergeCommand } from './sweep.js';
import { fpgaCommand } from './fpga.js';
import { unitCommand } from './unit.js';
import { metricsCommand } from './metrics.js';

export const commands: CommandModule<object, never>[] = [validateCommand, generateCommand, simCommand, regressCommand, fpgaCommand, synthCommand, sweepCommand, sweepMergeCommand, unitCommand, metricsCommand] as never;
