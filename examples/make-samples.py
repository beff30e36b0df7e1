#!/usr/bin/env python3
"""Writes examples/samples.csv: two entrances at 10 Hz, people passing with sensor noise.

The story it tells (see README): normal passes, an elevated reading confirmed as fever on re-check,
one cleared on re-check, a person too cold to judge, and a burst of sensor error flags.
Deterministic (fixed seed); run it again after changing the plan below.
"""
import datetime
import random

random.seed(7)
START = datetime.datetime(2026, 11, 28, 8, 0, 0, tzinfo=datetime.timezone.utc)
rows = []


def emit(entrance, t, obj, amb, person="", device="", err=""):
    stamp = (START + datetime.timedelta(seconds=t)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    rows.append((t, entrance, stamp, obj, amb, person, device, err))


def idle(entrance, t, count, amb, device):
    for _ in range(count):
        emit(entrance, t, round(amb + 0.4 + random.gauss(0, 0.05), 2), round(amb + random.gauss(0, 0.01), 2), device=device)
        t += 0.1
    return t


def person(entrance, t, skin, amb, device, badge=""):
    # The reading climbs while the forehead comes into view, then holds with sensor noise.
    for k, fraction in enumerate((0.5, 0.8, 0.95)):
        emit(entrance, t, round(amb + (skin - amb) * fraction, 2), round(amb, 2), person=badge if k == 0 else "", device=device)
        t += 0.1
    for _ in range(10):
        emit(entrance, t, round(skin + random.gauss(0, 0.04), 2), round(amb + random.gauss(0, 0.01), 2), device=device)
        t += 0.1
    return t


PLAN = {
    "north": ("mcp-0001", 22.0, [(34.9, "W-1001"), (35.1, "W-1002"), (36.6, "W-1003"), (34.8, "W-1004"),
                                 (36.7, "W-1003"), (31.8, "W-1006"), (35.0, "")]),
    "south": ("mcp-0002", 21.0, [(35.0, "W-2001"), (36.5, "W-2002"), (34.9, "W-2003"), (34.8, "W-2002"),
                                 (35.2, "W-2004")]),
}

for entrance, (device, amb, people) in PLAN.items():
    t = 0.0 if entrance == "north" else 0.35
    for skin, badge in people:
        t = idle(entrance, t, 20, amb, device)
        t = person(entrance, t, skin, amb, device, badge)
    t = idle(entrance, t, 10, amb, device)
    if entrance == "south":  # the sensor raises its error flag (MLX90614 bit 15) for a moment
        for _ in range(4):
            emit(entrance, t, 35.0, amb, device=device, err="1")
            t += 0.1
        t = idle(entrance, t, 5, amb, device)

rows.sort(key=lambda row: row[0])
with open("examples/samples.csv", "w") as out:
    out.write("entrance,time,object_c,ambient_c,person,device,sensor_error\n")
    for _, entrance, stamp, obj, amb, badge, device, err in rows:
        out.write(f"{entrance},{stamp},{obj},{amb},{badge},{device},{err}\n")
