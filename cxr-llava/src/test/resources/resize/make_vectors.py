#!/usr/bin/python3
"""Regenerates the resize vectors with Pillow (Debian python3-pil 9.4): run in this folder."""
from PIL import Image
import random, json

random.seed(7)
cases = [((37, 53), (64, 91)), ((200, 131), (97, 64)), ((5, 9), (64, 115)), ((131, 133), (128, 131)),
         ((300, 301), (29, 29)), ((64, 64), (64, 64)), ((90, 41), (90, 17)), ((41, 90), (13, 90)),
         ((97, 61), (311, 189))]
index = []
for i, (src, dst) in enumerate(cases):
    w, h = src
    px = []
    for y in range(h):
        for x in range(w):
            # gradient, checkerboard inversion, noise and a hard striped edge: negative lobes and clipping
            v = (x * 255 // max(1, w - 1) + y * 97 // max(1, h - 1)) % 256
            if (x // 7 + y // 5) % 2 == 0:
                v = 255 - v
            v = min(255, max(0, v + random.randint(-20, 20)))
            if x > w * 2 // 3:
                v = 0 if y % 2 else 255
            px.append(v)
    im = Image.new('L', (w, h))
    im.putdata(px)
    out = im.resize(dst, resample=Image.LANCZOS)
    name = f"case{i}"
    im.save(f"{name}-in.png")
    out.save(f"{name}-out.png")
    index.append({"name": name, "in": [w, h], "out": list(dst)})
json.dump(index, open("cases.json", "w"), indent=1)
