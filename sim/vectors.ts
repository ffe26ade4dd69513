/** Vector files for the checker: a count line, then one hex word per beat, lane 0 in the low bits. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Derived } from '../generator/config/derive.js';
import type { Schedule } from '../generator/model/schedule.js';
import { packParamBeat, paramBeatBits } from '../generator/units/output-stage.js';

/** Packs lanes (two's complement for negatives) into one hex word. */
export function packBeat(lanes: readonly (number | bigint)[], laneBits: number): string {
  let word = 0n;
  const mask = (1n << BigInt(laneBits)) - 1n;
  lanes.forEach((v, i) => {
    word |= (BigInt(v) & mask) << BigInt(i * laneBits);
  });
  return word.toString(16).padStart(Math.ceil((lanes.length * laneBits) / 4), '0');
}

export function vectorTexts(d: Derived, s: Schedule): Record<string, string> {
  const file = (lines: string[]) => `${lines.length}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
  const hex = (v: number | bigint) => BigInt(v).toString(16);
  const beatsPerCmd = s.commands.map((_, i) => s.yRefs.filter((r) => r.cmd === i).length);
  return {
    'cmd.hex': file(s.commands.map((c) => `${hex(c.mLen)} ${hex(c.k)} ${hex(c.nLen)}`)),
    // Per command, then the totals (tot_cycles_o, tot_macs_o wrap at 32 bits).
    'cnt.hex':
      file(
        s.commands.map(
          (c, i) => `${hex(beatsPerCmd[i]!)} ${hex(c.cycles)} ${hex(c.macs)} ${hex(c.skipped)} ${c.refused ? 1 : 0}`,
        ),
      ) + `${hex(s.totalCycles % 2 ** 32)} ${hex(s.commands.reduce((n, c) => n + c.macs, 0) % 2 ** 32)}\n`,
    'w.hex': file(s.wBeats.map((b) => packBeat(b, d.wBits))),
    'a.hex': file(s.aBeats.map((b) => packBeat(b, d.aBits))),
    'y.hex': file(s.yBeats.map((b) => packBeat(b, d.yBits))),
    // The output stage's parameter beats (one per command), only with an output stage.
    ...(d.out
      ? {
          'p.hex': file(
            s.pBeats.map((p) =>
              packParamBeat(p, d.accBits, d.cols, d.out!.bits)
                .toString(16)
                .padStart(Math.ceil(paramBeatBits(d.accBits, d.cols, d.out!.bits) / 4), '0'),
            ),
          ),
        }
      : {}),
  };
}

export async function writeVectors(dir: string, d: Derived, s: Schedule): Promise<void> {
  for (const [name, text] of Object.entries(vectorTexts(d, s))) await writeFile(join(dir, name), text);
}
