export { createCorpus, heldOutLoss, referenceKernel, splitCorpus } from '../../src/index.js';
export { loadCheckpointFile as loadCheckpointFileForTest } from '../../src/node.js';
