import { expect } from 'chai';
import {
  ConfigError,
  constantSchedule,
  cosineDecay,
  createSchedule,
  exponentialDecay,
  formatSchedule,
  linearWarmup,
  parseSchedule,
  stepDecay,
  type ScheduleSpec,
} from '../../src/index.js';

describe('schedules', () => {
  it('stepDecay multiplies by factor every `every` iterations', () => {
    const s = stepDecay({ every: 1000, factor: 0.5 });
    expect([0, 999, 1000, 1999, 2000, 2500, 10000].map(s)).to.deep.equal([1, 1, 0.5, 0.5, 0.25, 0.25, 0.5 ** 10]);
    expect(s.spec).to.deep.equal({ kind: 'step', every: 1000, factor: 0.5 });
  });

  it('exponentialDecay is gamma^n', () => {
    const s = exponentialDecay({ gamma: 0.9 });
    expect(s(0)).to.equal(1);
    expect(s(1)).to.equal(0.9);
    expect(s(10)).to.be.closeTo(0.3486784401, 1e-12);
  });

  it('cosineDecay warms up linearly, is 1 at the end of warm-up, (1 + min)/2 half way, min at total and after', () => {
    const s = cosineDecay({ warmup: 100, total: 20100, min: 0.1 });
    expect(s(0)).to.equal(0.01);
    expect(s(49)).to.equal(0.5);
    expect(s(99)).to.equal(1);
    expect(s(100)).to.equal(1); // progress 0
    expect(s(10100)).to.be.closeTo(0.55, 1e-15); // progress 1/2: min + (1 − min)·0.5
    expect(s(5100)).to.be.closeTo(0.1 + 0.9 * 0.5 * (1 + Math.SQRT1_2), 1e-15); // progress 1/4
    expect(s(20100)).to.equal(0.1);
    expect(s(50000)).to.equal(0.1);
    const noWarmup = cosineDecay({ total: 10 });
    expect(noWarmup(0)).to.equal(1);
    expect(noWarmup(10)).to.equal(0);
  });

  it('linearWarmup rises as (n + 1) / steps, then stays at 1; refuses a step count that is not a positive integer', () => {
    const s = linearWarmup({ steps: 100 });
    expect([s(0), s(49), s(98), s(99), s(100), s(10_000)]).to.deep.equal([0.01, 0.5, 0.99, 1, 1, 1]);
    expect(parseSchedule('warmup:steps=4').spec).to.deep.equal({ kind: 'warmup', steps: 4 });
    expect(() => linearWarmup({ steps: 0 })).to.throw(ConfigError, 'schedule.steps');
    expect(() => parseSchedule('warmup:steps=2.5')).to.throw(ConfigError, 'steps');
  });

  it('round-trips through JSON and the compact syntax', () => {
    const specs: ScheduleSpec[] = [
      { kind: 'constant' },
      { kind: 'step', every: 1000, factor: 0.5 },
      { kind: 'exp', gamma: 0.9999 },
      { kind: 'cosine', warmup: 200, total: 20000, min: 0.001 },
      { kind: 'warmup', steps: 100 },
    ];
    for (const spec of specs) {
      const s = createSchedule(JSON.parse(JSON.stringify(spec)) as ScheduleSpec);
      expect(s.spec).to.deep.equal(spec);
      expect(parseSchedule(formatSchedule(spec)).spec).to.deep.equal(spec);
      for (const n of [0, 1, 150, 999, 1000, 12345, 30000]) expect(s(n)).to.equal(parseSchedule(formatSchedule(spec))(n));
    }
    expect(formatSchedule({ kind: 'cosine', warmup: 200, total: 20000, min: 0.001 })).to.equal('cosine:warmup=200,total=20000,min=0.001');
    expect(parseSchedule('step:every=1000').spec).to.deep.equal({ kind: 'step', every: 1000, factor: 0.5 });
    expect(parseSchedule('cosine:total=500').spec).to.deep.equal({ kind: 'cosine', warmup: 0, total: 500, min: 0 });
    expect(parseSchedule('constant')).to.equal(constantSchedule);
  });

  it('refuses malformed specs with a message naming the part', () => {
    expect(() => parseSchedule('linear:x=1')).to.throw(ConfigError, 'schedule must be one of constant, step:..., exp:..., cosine:..., warmup:..., got "linear:x=1"');
    expect(() => parseSchedule('step:every=')).to.throw(ConfigError, /bad part "every="/);
    expect(() => parseSchedule('step:every=10,every=20')).to.throw(ConfigError, /every repeats/);
    expect(() => parseSchedule('step:every=0')).to.throw(ConfigError, 'schedule.every must be a positive integer, got 0');
    expect(() => parseSchedule('step:every=10.5')).to.throw(ConfigError, 'schedule.every must be a positive integer, got 10.5');
    expect(() => parseSchedule('exp:gamma=0')).to.throw(ConfigError, 'schedule.gamma must be a number in (0, 1], got 0');
    expect(() => parseSchedule('cosine:warmup=10,total=10')).to.throw(ConfigError, 'schedule.total must be greater than warmup (10), got 10');
    expect(() => parseSchedule('exp:gamma=0.9,every=3')).to.throw(ConfigError, /schedule.every must be absent/);
    expect(() => createSchedule({ kind: 'warm' } as unknown as ScheduleSpec)).to.throw(ConfigError, /schedule.kind/);
  });
});
