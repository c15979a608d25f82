import { type BoardKey, type Checkpoint } from '../users/user-rankings.types';
import { compareKeys, lastCheckpointBefore } from './rank-checkpoints';

const key = (value: number, micros: number, id: string): BoardKey => ({ value, createdAt: `t${micros}`, createdAtMicros: BigInt(micros), id });

describe('rank checkpoints', () => {
  it('orders by value descending, then older account, then lower id', () => {
    expect(compareKeys(key(10, 5, 'b'), key(9, 1, 'a'))).toBeLessThan(0);
    expect(compareKeys(key(9, 1, 'b'), key(9, 2, 'a'))).toBeLessThan(0);
    expect(compareKeys(key(9, 1, '0a'), key(9, 1, '0b'))).toBeLessThan(0);
    expect(compareKeys(key(9, 1, 'a'), key(9, 1, 'a'))).toBe(0);
  });

  it('compares creation times at microsecond precision, beyond what a Date holds', () => {
    const a = key(0, 0, 'z');
    a.createdAtMicros = 1_764_115_400_123_456n;
    const b = { ...a, id: 'a', createdAtMicros: 1_764_115_400_123_457n };
    expect(compareKeys(a, b)).toBeLessThan(0);
  });

  it('finds the last checkpoint strictly before a key', () => {
    const cps: Checkpoint[] = [
      { position: 1000, key: key(500, 1, 'a') },
      { position: 2000, key: key(100, 1, 'a') },
      { position: 3000, key: key(0, 1, 'a') },
      { position: 4000, key: key(0, 9, 'a') },
    ];
    expect(lastCheckpointBefore(cps, key(900, 1, 'a'))).toBeNull();
    expect(lastCheckpointBefore(cps, key(500, 1, 'a'))).toBeNull();
    expect(lastCheckpointBefore(cps, key(500, 1, 'b'))?.position).toBe(1000);
    expect(lastCheckpointBefore(cps, key(50, 1, 'a'))?.position).toBe(2000);
    expect(lastCheckpointBefore(cps, key(0, 5, 'a'))?.position).toBe(3000);
    expect(lastCheckpointBefore(cps, key(0, 10, 'a'))?.position).toBe(4000);
    expect(lastCheckpointBefore([], key(0, 10, 'a'))).toBeNull();
  });
});
