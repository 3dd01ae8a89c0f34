import { REWARD_SCHEMES } from '@spa/core';
import { describe, expect, it } from 'vitest';
import { adaptKlCoef, DEFAULT_PPO_CONFIG, PPO_REWARD_SCHEMES, resolvePpoConfig } from './config';

describe('resolvePpoConfig', () => {
  it('fills the reference defaults', () => {
    const config = resolvePpoConfig();
    expect(config).toEqual(DEFAULT_PPO_CONFIG);
    expect(config).toMatchObject({
      rewardScheme: 'spa',
      alpha: 1,
      beta: 0.5,
      gamma: 0.99,
      lambda: 0.95,
      clipRange: 0.2,
      epochs: 4,
      klCoef: 0.3,
      klTarget: 6,
      klHorizon: 10000,
    });
    expect(resolvePpoConfig({ rewardScheme: 'grpo', epochs: 2 })).toMatchObject({
      rewardScheme: 'grpo',
      epochs: 2,
    });
    expect(PPO_REWARD_SCHEMES).toEqual([...REWARD_SCHEMES, 'grpo', 'rloo']);
  });

  it('names the bad field and the accepted values', () => {
    expect(() => resolvePpoConfig({ rewardScheme: 'dense' as never })).toThrow(
      /config.rewardScheme.*"dense".*spa, sparse, uniform, prm, mc, leave-one-out, grpo, rloo/,
    );
    expect(() => resolvePpoConfig({ gamma: 1.5 })).toThrow(/config.gamma.*\[0, 1\]/);
    expect(() => resolvePpoConfig({ epochs: 1.5 })).toThrow(/config.epochs.*integer/);
    expect(() => resolvePpoConfig({ mode: 'batch' as never })).toThrow(
      /config.mode.*online, offline/,
    );
    expect(() => resolvePpoConfig({ adaptiveKl: 'yes' as never })).toThrow(/config.adaptiveKl/);
    expect(() => resolvePpoConfig({ detachValue: 1 as never })).toThrow(/config.detachValue/);
    expect(() => resolvePpoConfig({ learningRat: 1 } as never)).toThrow(
      /config.learningRat.*unknown/,
    );
    expect(() => resolvePpoConfig({ mode: 'offline', temperature: 0.5 })).toThrow(
      /config.temperature.*offline/,
    );
  });
});

describe('adaptKlCoef', () => {
  it("follows trl's AdaptiveKLController", () => {
    // KL above target: error clipped to +0.2; multiplier 1 + 0.2·n/horizon.
    expect(adaptKlCoef(0.3, 100, 500, 6, 10000)).toBeCloseTo(0.3 * (1 + 0.2 * 0.05), 12);
    // Below target: (3/6 − 1) = −0.5 → clipped to −0.2.
    expect(adaptKlCoef(0.3, 3, 500, 6, 10000)).toBeCloseTo(0.3 * (1 - 0.2 * 0.05), 12);
    // Inside the band: proportional.
    expect(adaptKlCoef(0.3, 6.6, 100, 6, 10000)).toBeCloseTo(0.3 * (1 + 0.1 * 0.01), 12);
  });
});
