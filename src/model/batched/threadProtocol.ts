// How the calling thread and the worker threads of nodeThreads.ts talk: one Int32Array over a
// SharedArrayBuffer. The caller writes a job (op, memory id, each worker's gemm arguments) and bumps
// SEQ; each worker, seeing SEQ pass the last job it did, does its part and writes the job's SEQ into
// its DONE word; the caller waits until every DONE word holds it. A worker checks SEQ itself after
// every wake-up, so a wake-up without a new job (Atomics.wait may return early) never repeats one.

/** Words of the control block. */
export const SEQ = 0; // job generation: workers wait for it to change
export const OP = 2; // the job
export const ID = 3; // the memory it is about
export const ERROR = 4; // set by a worker whose part failed
export const READY = 5; // workers started
/** Worker t's gemm arguments start at word SLOT · t (t ≥ 1): ten arguments, then ACTIVE, then DONE. */
export const SLOT = 16;
/** Offset within a slot of the flag saying the worker has a part in this job. */
export const ACTIVE = 10;
/** Offset within a slot of the SEQ of the last job the worker finished. */
export const DONE = 11;

/** Jobs. */
export const ATTACH = 1; // take the memory posted on your port; instantiate the gemm module over it
export const GEMM = 2; // run gemmNT with your slot's arguments, if active
export const DETACH = 3; // drop the instance of memory ID
