// "Did you mean" (sim/closest.ts): the closest option by edit distance, ignoring case, within max(2, length / 3) edits.
import { describe, expect, it } from 'vitest';
import { closest } from '../../sim/closest.js';

describe('closest', () => {
  it('finds a typo, ignoring case; the first of equally close options wins', () => {
    expect(closest('maintenanceMargn', ['initialMargin', 'maintenanceMargin'])).toBe('maintenanceMargin');
    expect(closest('VENUE', ['venue', 'agents'])).toBe('venue');
    expect(closest('ab', ['xb', 'ay'])).toBe('xb');
  });
  it('gives nothing when no option is within max(2, floor(length / 3)) edits', () => {
    expect(closest('seeds', ['steps'])).toBe('steps'); // 2 edits
    expect(closest('foo', ['market', 'oracle'])).toBeUndefined();
    expect(closest('maintenance', ['maintena'])).toBe('maintena'); // 3 edits: floor(11 / 3) = 3
    expect(closest('maintenance', ['mainten'])).toBeUndefined(); // 4 edits
  });
});
