/**
 * The part of the `WebAssembly` global the `wasm` backend uses, typed locally: the package's
 * TypeScript libs (ES2022 + @types/node) do not declare it.
 *
 * @internal
 */

/** A compiled module (opaque; can be posted to a worker). */
export type WasmModule = object;

/** A linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(deltaPages: number): number;
}

interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  readonly Memory: new (descriptor: {
    initial: number;
    maximum: number;
    shared: boolean;
  }) => WasmMemory;
  readonly Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
}

/** The `WebAssembly` global, or undefined where there is none. */
export function webAssemblyApi(): WebAssemblyApi | undefined {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  return typeof api === 'object' ? api : undefined;
}
