/**
 * `@spa/env-virtualhome`: SPA-RL's VirtualHome benchmark. VirtualHome's evolving-graph simulator
 * (`sim/`), SPA-RL's text layer (`VirtualhomeWorld`), the SPA/EVU test tasks (exact and
 * reconstructed initial graphs), a training split from the dataset programs, expert
 * demonstrations and `createVirtualhomeEnv`, a `TextEnv` of `@spa/core`.
 *
 * @packageDocumentation
 */
export * from './actions';
export * from './catalog';
export * from './data';
export * from './demonstrations';
export * from './env';
export * from './goal';
export * from './reconstruct';
export * from './sim/index';
export * from './tasks';
export * from './train-split';
export * from './world';
