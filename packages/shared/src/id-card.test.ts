import { describe, expect, it } from 'vitest';
import { idCardCheckDigit, maskIdCard, validateIdCard } from './id-card.ts';

const withCheck = (first17: string) => first17 + idCardCheckDigit(first17);

describe('idCardCheckDigit', () => {
  it.each([
    ['11010519491231002', 'X'], // the standard's worked example
    ['44052418800101001', '4'],
    ['37020220150304123', withCheck('37020220150304123').slice(-1)],
  ])('%s → %s', (first17, digit) => {
    expect(idCardCheckDigit(first17)).toBe(digit);
  });

  it('produces every possible check character for some input', () => {
    const seen = new Set<string>();
    for (let seq = 0; seq < 200; seq++) seen.add(idCardCheckDigit(`37028320180101${String(seq).padStart(3, '0')}`));
    expect([...seen].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']);
  });

  it('rejects input that is not 17 digits', () => {
    expect(() => idCardCheckDigit('1234')).toThrow();
    expect(() => idCardCheckDigit('3702022015030412X')).toThrow();
  });
});

describe('validateIdCard', () => {
  it('accepts a valid number and extracts birth date, gender and region', () => {
    expect(validateIdCard('11010519491231002X')).toEqual({ ok: true, birthDate: '1949-12-31', gender: 'female', regionCode: '110105' });
    expect(validateIdCard(withCheck('37020220150304123'))).toEqual({
      ok: true,
      birthDate: '2015-03-04',
      gender: 'male',
      regionCode: '370202',
    });
  });

  it('accepts a lower-case x and surrounding spaces', () => {
    expect(validateIdCard(' 11010519491231002x ')).toMatchObject({ ok: true, birthDate: '1949-12-31' });
  });

  it('reads gender from the parity of the 17th digit', () => {
    expect(validateIdCard(withCheck('37028320180101002'))).toMatchObject({ ok: true, gender: 'female' });
    expect(validateIdCard(withCheck('37028320180101001'))).toMatchObject({ ok: true, gender: 'male' });
  });

  it.each([
    '',
    '1101051949123100',
    '1101051949123100211',
    '11010519491231002Y',
    'X1010519491231002X',
    '11010519491231X020',
    '１１０１０５１９４９１２３１００２X',
  ])('rejects the format of %j', (s) => {
    expect(validateIdCard(s)).toEqual({ ok: false, reason: 'format' });
  });

  it.each(['37020220150230123', '37020220151301123', '37020220150001123', '37020220150100123', '37020218991231123', '37020220190229123'])(
    'rejects the impossible birth date in %s',
    (first17) => {
      expect(validateIdCard(withCheck(first17))).toEqual({ ok: false, reason: 'birth_date' });
    },
  );

  it('accepts 29 February in a leap year and 1 January 1900', () => {
    expect(validateIdCard(withCheck('37020220160229123'))).toMatchObject({ ok: true, birthDate: '2016-02-29' });
    expect(validateIdCard(withCheck('37020219000101123'))).toMatchObject({ ok: true, birthDate: '1900-01-01' });
  });

  it('rejects a birth date in the future', () => {
    const next = new Date();
    next.setFullYear(next.getFullYear() + 1);
    const ymd = `${next.getFullYear()}0101`;
    expect(validateIdCard(withCheck(`370202${ymd}123`))).toEqual({ ok: false, reason: 'birth_date' });
  });

  it('rejects a wrong check digit', () => {
    expect(validateIdCard('110105194912310021')).toEqual({ ok: false, reason: 'checksum' });
    const good = withCheck('37020220150304123');
    const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    expect(validateIdCard(wrong)).toEqual({ ok: false, reason: 'checksum' });
  });

  it('catches a single mistyped digit', () => {
    const good = withCheck('37020220150304123');
    const typo = `${good.slice(0, 15)}${(Number(good[15]) + 1) % 10}${good.slice(16)}`;
    expect(validateIdCard(typo)).toEqual({ ok: false, reason: 'checksum' });
  });
});

describe('maskIdCard', () => {
  it('keeps the first and last four characters', () => {
    expect(maskIdCard('370202201503041234')).toBe('3702**********1234');
    expect(maskIdCard('11010519491231002X')).toBe('1101**********002X');
  });

  it('hides a string too short to mask', () => {
    expect(maskIdCard('12345678')).toBe('********');
    expect(maskIdCard('')).toBe('');
  });
});
