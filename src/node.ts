// The Node-only part of the public API (`min-char-rnn/node`): checkpoint files on disk, written
// atomically, and worker threads for the LSTM/GRU kernels. Kept out of the main barrel so that it
// stays free of Node APIs and runs in browsers.
export {
  writeTrainingCheckpointFile,
  writeCheckpointFile,
  writeFileAtomic,
  loadCheckpointFile,
  removeStaleTempFiles,
} from './checkpoint/file.js';
export { createMatrixThreads } from './model/batched/nodeThreads.js';
