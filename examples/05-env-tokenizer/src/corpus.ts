import type { Trajectory } from '@spa/core';
import { generateDemonstrations as alfworldDemonstrations } from '@spa/env-alfworld';
import { generateVirtualhomeDemonstrations } from '@spa/env-virtualhome';
import { generateDemonstrations as webshopDemonstrations } from '@spa/env-webshop';

/** The text of one environment's expert demonstrations: goals, observations and actions. */
export interface EnvText {
  readonly env: 'alfworld' | 'webshop' | 'virtualhome';
  readonly texts: string[];
}

function textsOf(trajectory: Trajectory): string[] {
  return [trajectory.goal, ...trajectory.steps.flatMap((step) => [step.observation, step.action])];
}

async function collect(source: AsyncIterable<Trajectory>): Promise<string[]> {
  const texts: string[] = [];
  for await (const trajectory of source) texts.push(...textsOf(trajectory));
  return texts;
}

/** Expert demonstrations of the first `perEnv` training tasks of every environment, as text. */
export async function collectEnvText(perEnv: number, seed = 1): Promise<EnvText[]> {
  return [
    {
      env: 'alfworld',
      texts: await collect(alfworldDemonstrations({ split: 'train', limit: perEnv, seed })),
    },
    {
      env: 'webshop',
      texts: await collect(webshopDemonstrations({ split: 'train', limit: perEnv, seed })),
    },
    {
      env: 'virtualhome',
      texts: await collect(
        generateVirtualhomeDemonstrations({ split: 'train', limit: perEnv, seed }),
      ),
    },
  ];
}
