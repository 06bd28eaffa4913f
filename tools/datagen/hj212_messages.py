#!/usr/bin/env python3
"""Generates a synthetic month of HJ 212-2017 online-monitoring messages: the raw material of
the adversarial suite's hostile inputs (tests/adversarial/ingest/hj212-*.case). Not the demo's
month: that one is written by ecoaudit-datagen (tools/datagen/hj212.cpp) together with the
demo's emission_monthly rows it derives, so that the two agree. The points here use their own
MNs (6666666...) and demo facilities without a monitored month.

hj212_messages.py OUT_DIR [--month 2026-10] [--facilities F0000001,F0000002,F0000003]
writes OUT_DIR/monitoring_point.csv (the monitoring points: MN and pollutant code -> facility,
with the limits the hours are counted over), OUT_DIR/hj212_month.txt (hourly CN 2061 and
daily CN 2031 messages, CRLF-terminated, some values flagged M/C/D/F) and
OUT_DIR/hj212_corrupt.txt (the same month with a few messages broken: a wrong CRC, a
truncated message, a length that does not match). Deterministic (fixed seed).
"""
import argparse
import calendar
import os
import random


def crc16(data: bytes) -> int:
    # HJ 212-2017 Appendix A.
    r = 0xFFFF
    for b in data:
        r = (r >> 8) ^ b
        for _ in range(8):
            bit = r & 1
            r >>= 1
            if bit:
                r ^= 0xA001
    return r


def frame(segment: str) -> str:
    s = segment.encode('ascii')
    return '##%04d%s%04X\r\n' % (len(s), segment, crc16(s))


# HJ 212-2017 Appendix B codes of the pollutants summarised, their enum value in the schema,
# a typical corrected hourly concentration (mg/m3) and the limits counted over.
POLLUTANTS = [('a34013', 'pm', 6.0, 10, 20), ('a21026', 'so2', 25.0, 35, 50), ('a21002', 'nox', 40.0, 50, 100)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--month', default='2026-10')
    ap.add_argument('--facilities', default='F0000001,F0000002,F0000003')
    a = ap.parse_args()
    rnd = random.Random(212)
    y, m = map(int, a.month.split('-'))
    days = calendar.monthrange(y, m)[1]
    os.makedirs(a.out, exist_ok=True)
    facilities = a.facilities.split(',')
    points = []
    with open(os.path.join(a.out, 'monitoring_point.csv'), 'w', encoding='utf-8') as f:
        f.write('mn,code,facility_id,pollutant,outlet_id,ule_limit_mg_m3,permit_limit_mg_m3\n')
        for i, fac in enumerate(facilities):
            mn = '66666660%016d' % (i + 1)
            points.append((mn, fac))
            for code, pol, _, ule, permit in POLLUTANTS:
                f.write(f'{mn},{code},{fac},{pol},DA{i + 1:03d},{ule},{permit}\n')
    lines = []
    qn = 0
    for mn, fac in points:
        for d in range(1, days + 1):
            day_vals = {c: [] for c, *_ in POLLUTANTS}
            for h in range(24):
                qn += 1
                t = '%04d%02d%02d%02d0000' % (y, m, d, h)
                groups = [f'DataTime={t}']
                # A few hours of maintenance, calibration or fault, and a shutdown day.
                roll = rnd.random()
                flag = 'N'
                if d == 12:
                    flag = 'F'
                elif roll < 0.01:
                    flag = 'M'
                elif roll < 0.02:
                    flag = 'C'
                elif roll < 0.025:
                    flag = 'D'
                for code, _, typical, ule, _ in POLLUTANTS:
                    v = round(typical * rnd.uniform(0.5, 1.5), 3)
                    if flag == 'M' and code == 'a21002':
                        v = round(ule * 3.0, 3)  # a maintenance hour far over the limit: must prove nothing
                    zs = round(v * 1.1, 3)
                    groups.append(f'{code}-Avg={v},{code}-ZsAvg={zs},{code}-Min={round(v * 0.8, 3)},'
                                  f'{code}-Max={round(v * 1.2, 3)},{code}-Flag={flag}')
                    if flag == 'N':
                        day_vals[code].append(zs)
                groups.append(f'a19001-Avg={round(rnd.uniform(8, 12), 2)},a19001-Flag={flag}')  # O2: kept, not summarised
                seg = f'QN={y:04d}{m:02d}{d:02d}{h:02d}0000{qn % 1000:03d};ST=31;CN=2061;PW=123456;MN={mn};Flag=4;CP=&&' \
                    + ';'.join(groups) + '&&'
                lines.append(frame(seg))
            t = '%04d%02d%02d000000' % (y, m, d)
            groups = [f'DataTime={t}']
            for code, *_ in POLLUTANTS:
                vals = day_vals[code]
                if vals:
                    groups.append(f'{code}-Avg={round(sum(vals) / len(vals), 3)},{code}-Flag=N')
                else:
                    groups.append(f'{code}-Avg=0,{code}-Flag=F')
            seg = f'ST=31;CN=2031;PW=123456;MN={mn};Flag=4;CP=&&' + ';'.join(groups) + '&&'
            lines.append(frame(seg))
    with open(os.path.join(a.out, 'hj212_month.txt'), 'w', encoding='ascii', newline='') as f:
        f.writelines(lines)
    bad = list(lines)
    # Line 10: a flag changed in transit, same length (the CRC no longer matches).
    bad[9] = bad[9].replace('-Flag=N', '-Flag=M', 1)
    # Line 20: truncated in the middle (a transmission cut).
    bad[19] = bad[19][:len(bad[19]) // 2] + '\r\n'
    # Line 30: the length field says one byte more than the data segment has.
    n = int(bad[29][2:6])
    bad[29] = '##%04d' % (n + 1) + bad[29][6:]
    with open(os.path.join(a.out, 'hj212_corrupt.txt'), 'w', encoding='ascii', newline='') as f:
        f.writelines(bad)


if __name__ == '__main__':
    main()
