import { canApply, outcomeOf, SERVER_STATUSES, type ServerAction } from './server-status';

describe('server status', () => {
  it.each<[ServerAction, string[]]>([
    ['start', ['stopped', 'error']],
    ['stop', ['creating', 'starting', 'running']],
    ['restart', ['running']],
    ['delete', [...SERVER_STATUSES]],
  ])('allows %s only from %j', (action, allowed) => {
    expect(SERVER_STATUSES.filter((s) => canApply(action, s))).toEqual(allowed);
  });

  it('reads GameServer states as ready, gone, failed or still on the way', () => {
    expect(outcomeOf('Ready', false)).toBe('ready');
    expect(outcomeOf('Allocated', false)).toBe('ready');
    expect(outcomeOf('Shutdown', false)).toBe('gone');
    expect(outcomeOf('Ready', true)).toBe('gone');
    expect(outcomeOf('Unhealthy', false)).toBe('failed');
    expect(outcomeOf('Error', false)).toBe('failed');
    expect(outcomeOf('Scheduled', false)).toBeNull();
    expect(outcomeOf(null, false)).toBeNull();
  });
});
