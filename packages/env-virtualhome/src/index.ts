/**
 * `@spa/env-virtualhome` (in progress): VirtualHome's evolving-graph simulator and SPA-RL's
 * VirtualHome tasks. Implemented so far: the simulator core (`sim/`), the packaged data and the
 * task records. The text layer and the `TextEnv` are not implemented yet.
 *
 * @packageDocumentation
 */
export * from './actions';
export * from './catalog';
export * from './data';
export * from './demonstrations';
export * from './env';
export * from './goal';
export * from './sim/index';
export * from './tasks';
export * from './train-split';
export * from './world';
