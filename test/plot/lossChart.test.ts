import { expect } from 'chai';
import { lossChartSvg } from '../../src/index.js';

describe('lossChartSvg', () => {
  it('draws training and dashed validation curves in bits per character', () => {
    const svg = lossChartSvg({
      seqLength: 25,
      train: [
        [0, 25 * Math.LN2 * 6],
        [100, 25 * Math.LN2 * 4],
      ],
      validation: [{ iteration: 100, loss: Math.LN2 * 3, bitsPerChar: 3 }],
    });
    expect(svg.startsWith('<svg')).to.equal(true);
    expect(svg.match(/<path /g)).to.have.length(2);
    expect(svg).to.contain('stroke-dasharray');
    expect(svg).to.contain('training (smoothed)');
    expect(svg).to.contain('validation');
    expect(svg).to.contain('bits per character');
    expect(svg).to.contain('>6<'); // the y axis reaches 6 bits, where training started
  });
  it('draws only the training curve when there is no validation', () => {
    const svg = lossChartSvg({ seqLength: 10, train: [[0, 30]] });
    expect(svg).to.not.contain('validation');
  });
});
