import { describe, expect, it } from 'vitest';
import { isMobilePhone, maskPhone, normalizePhone } from './phone.ts';

describe('normalizePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['0086-138-1234-5678', '13812345678'],
    [' (+86) 13812345678 ', '13812345678'],
    ['0532-8888 6666', '053288886666'],
  ])('%j → %j', (input, out) => {
    expect(normalizePhone(input)).toBe(out);
  });

  it('leaves a leading 86 that is part of a shorter number alone', () => {
    expect(normalizePhone('861234')).toBe('861234');
  });
});

describe('isMobilePhone', () => {
  it.each(['13812345678', '19912345678', '+86 166-1234-5678', '8615012345678'])('accepts %j', (s) => {
    expect(isMobilePhone(s)).toBe(true);
  });

  it.each(['', '1381234567', '138123456789', '12812345678', '23812345678', '0532-88886666', '1381234567a', '+1 13812345678'])(
    'rejects %j',
    (s) => {
      expect(isMobilePhone(s)).toBe(false);
    },
  );
});

describe('maskPhone', () => {
  it('hides the middle four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
  });

  it('shows only the last four digits of anything else', () => {
    expect(maskPhone('053288886666')).toBe('********6666');
    expect(maskPhone('123')).toBe('***');
  });
});
