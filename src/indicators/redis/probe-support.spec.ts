import { notReadyStatus } from './probe-support';

describe('notReadyStatus', () => {
  it('is undefined only for ready', () => {
    expect(notReadyStatus({ status: 'ready' })).toBeUndefined();
    expect(notReadyStatus({ status: 'reconnecting' })).toBe('reconnecting');
  });
});
