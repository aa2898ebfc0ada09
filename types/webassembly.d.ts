/**
 * The part of the WebAssembly JS API stampede calls (llhttp-wasm.ts). TypeScript declares it only
 * in its DOM library, which a Node project does not load, and @types/node 20 does not declare it.
 */
declare namespace WebAssembly {
  interface Memory {
    readonly buffer: ArrayBuffer;
  }
  interface ModuleExportDescriptor {
    readonly name: string;
    readonly kind: string;
  }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
    static exports(module: Module): ModuleExportDescriptor[];
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
