// The parts of the WebAssembly API the kernels use, typed locally: the project compiles against
// ES2022 without the DOM library, and a runtime without WebAssembly must still load every module.

/** A WebAssembly.Memory (its buffer a SharedArrayBuffer when the memory is shared). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** The WebAssembly namespace, as far as the kernels use it. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** This runtime's WebAssembly, if it has one. */
export const wasmApi = (): WasmApi | undefined => (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Bytes in a WebAssembly memory page. */
export const WASM_PAGE = 65536;

/** A 32-bit WebAssembly memory holds at most 65,536 pages: 4 GiB. */
export const WASM_MAX_BYTES = 65536 * WASM_PAGE;
