import { computeSpaRewards, type Trajectory } from '@spa/core';

const alfworldSteps = [
  {
    observation:
      'You are in the middle of a room. Looking quickly around you, you see a countertop 1.',
    action: 'Thought: find the mug first.\nAction: go to countertop 1',
    grounded: true,
    reward: 0,
  },
  {
    observation: 'You arrive at countertop 1. On the countertop 1, you see a mug 1.',
    action: 'dance with mug 1',
    grounded: false,
    reward: 0,
    info: { admissible: ['take mug 1 from countertop 1'], logProb: -1.25 },
  },
  {
    observation: 'Nothing happens.',
    action: 'take mug 1 from countertop 1',
    grounded: true,
    reward: 1,
  },
] as const;

const contributions = [0.2, -0.05, 0.85];

/** An annotated ALFWorld-like episode: contributions c_t and SPA rewards r_t = c_t + 0.5·g_t. */
export const annotated: Trajectory = {
  taskId: 'train/000-pick-mug',
  env: 'alfworld/train-v0',
  goal: 'put a mug in shelf.',
  steps: alfworldSteps,
  finalReward: 1,
  won: true,
  contributions,
  rewards: computeSpaRewards({
    contributions,
    grounded: alfworldSteps.map((step) => step.grounded),
  }),
  meta: { seed: 3, rollout: 1, policy: 'bc' },
};

/** A WebShop-like episode with multi-line text, unicode, a failed outcome and uniform rewards. */
export const uniform: Trajectory = {
  taskId: 'webshop/42',
  env: 'webshop/v0',
  goal: 'i need a blue shirt — size M, under $30',
  steps: [
    {
      observation: 'WebShop [SEP] Instruction: [SEP] i need a blue shirt\n[Search]',
      action: 'search[blue shirt]',
      grounded: true,
      reward: 0,
    },
    {
      observation: '[Back to Search] [SEP] B0ABC [SEP] Blue Shirt ✓ [SEP] $25.0',
      action: 'click[b0abc]',
      grounded: true,
      reward: 0.25,
    },
  ],
  finalReward: 0.25,
  won: false,
  rewards: [0.125, 0.125],
};

/** A trajectory with no per-step training rewards. */
export const unannotated: Trajectory = {
  taskId: 'scripted/7',
  env: 'scripted',
  goal: 'open the door',
  steps: [{ observation: 'A door.', action: 'open door', grounded: true, reward: 1 }],
  finalReward: 1,
  won: true,
};

export const fixtures: readonly Trajectory[] = [annotated, uniform];
