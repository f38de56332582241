import { describe, expect, it } from 'vitest';
import { guestOsFamilyOf } from '../domain/guestOs.js';

describe('guestOsFamilyOf', () => {
  it.each([
    ['windows2019srv_64Guest', 'WINDOWS'],
    ['windows9_64Guest', 'WINDOWS'],
    ['ubuntu64Guest', 'LINUX'],
    ['rhel9_64Guest', 'LINUX'],
    ['otherLinux64Guest', 'LINUX'],
    ['debian12_64Guest', 'LINUX'],
    ['otherGuest', 'OTHER'],
    ['freebsd13_64Guest', 'OTHER'],
  ])('%s is %s', (guestId, family) => expect(guestOsFamilyOf(guestId)).toBe(family));
});
