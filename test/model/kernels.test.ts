// Choosing a kernel: `auto` takes WebAssembly SIMD where it validates, else the fast JavaScript kernel.
import { expect } from 'chai';
import {
  ConfigError,
  defaultKernel,
  jsKernel,
  kernelByName,
  KERNEL_NAMES,
  referenceKernel,
  wasmKernel,
  wasmSimdAvailable,
} from '../../src/index.js';
import { BACKWARD_WASM, FORWARD_WASM } from '../../src/model/wasm/kernelBytes.js';
import { parseTrainOptions } from '../../src/cli/train.js';
import { UsageError } from '../../src/cli/args.js';

/** Runs `fn` as if this runtime's WebAssembly refused the SIMD module. */
function withoutSimd(fn: () => void): void {
  const api = (globalThis as { WebAssembly?: { validate: (bytes: Uint8Array) => boolean } }).WebAssembly;
  if (api === undefined) return fn();
  const validate = api.validate;
  api.validate = () => false;
  try {
    fn();
  } finally {
    api.validate = validate;
  }
}

describe('kernel choice', () => {
  it('names every kernel', () => {
    expect(KERNEL_NAMES).to.deep.equal(['auto', 'wasm', 'js', 'reference']);
    expect(kernelByName('js')).to.equal(jsKernel);
    expect(kernelByName('reference')).to.equal(referenceKernel);
    expect(kernelByName('auto')).to.equal(defaultKernel());
  });

  it('refuses an unknown name with a ConfigError naming the choices', () => {
    expect(() => kernelByName('gpu')).to.throw(ConfigError, 'kernel must be one of auto, wasm, js, reference, got "gpu"');
  });

  it('auto picks the wasm kernel where WebAssembly SIMD is available', function () {
    if (!wasmSimdAvailable()) this.skip();
    expect(defaultKernel()).to.equal(wasmKernel);
    expect(kernelByName('wasm')).to.equal(wasmKernel);
  });

  it('falls back to the js kernel where WebAssembly SIMD is missing', () => {
    withoutSimd(() => {
      expect(wasmSimdAvailable()).to.equal(false);
      expect(defaultKernel()).to.equal(jsKernel);
      expect(kernelByName('auto')).to.equal(jsKernel);
      expect(() => kernelByName('wasm')).to.throw(ConfigError, 'no WebAssembly SIMD');
      expect(() => wasmKernel.createModel(4, 3, 2)).to.throw(Error, 'needs WebAssembly with SIMD');
      // Forcing js works there, and trains.
      const model = kernelByName('js').createModel(4, 3, 2);
      model.params.data.fill(0.1);
      expect(model.lossFun(Int32Array.of(0, 1), Int32Array.of(1, 2))).to.be.closeTo(2 * Math.log(3), 1e-12);
    });
    if (wasmSimdAvailable()) expect(defaultKernel()).to.equal(wasmKernel); // restored
  });

  it('embeds modules small enough to compile synchronously on a browser main thread (< 4 kB each)', () => {
    for (const bytes of [FORWARD_WASM, BACKWARD_WASM]) {
      expect(bytes.length).to.be.below(4096);
      expect(Array.from(bytes.subarray(0, 4))).to.deep.equal([0, 0x61, 0x73, 0x6d]); // "\0asm"
    }
  });

  it('the CLI takes --kernel NAME, auto by default', () => {
    const opts = (argv: string[]) => {
      const o = parseTrainOptions(argv);
      if (o === 'help') throw new Error('unexpected help');
      return o.config;
    };
    // auto: the default kernel (wrapped, for the wasm kernel, to give lstm/gru their --threads)
    const auto = opts([]).kernel!;
    expect(auto.name).to.equal(defaultKernel().name);
    expect(auto.createModel).to.equal(defaultKernel().createModel);
    expect(opts(['--kernel', 'js']).kernel).to.equal(jsKernel);
    expect(opts(['--kernel=reference']).kernel).to.equal(referenceKernel);
    expect(() => opts(['--kernel', 'fast'])).to.throw(UsageError, '--kernel: kernel must be one of');
  });
});
