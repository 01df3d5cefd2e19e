#!/usr/bin/python3
"""Regenerates the colour-to-grey vectors with Pillow (Debian python3-pil 9.4): run in this folder."""
from PIL import Image
import random

random.seed(14)
w, h = 41, 29  # odd width: YBR_FULL_422's last pair has one pixel
rgb = []
for y in range(h):
    for x in range(w):
        # gradients per channel, noise, and saturated primaries/white/black in the first row
        r = (x * 255 // (w - 1) + random.randint(-30, 30)) % 256
        g = (y * 255 // (h - 1) + random.randint(-30, 30)) % 256
        b = ((x + y) * 255 // (w + h - 2) + random.randint(-30, 30)) % 256
        if y == 0:
            r, g, b = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0)][x % 5]
        rgb.append((r, g, b))
im = Image.new('RGB', (w, h))
im.putdata(rgb)
im.save('rgb-in.png')
im.convert('L').save('rgb-L.png')

ycc = im.convert('YCbCr')
Image.merge('RGB', ycc.split()).save('ycbcr-in.png')  # the Y, Cb, Cr bytes, stored in an RGB PNG
ycc.convert('L').save('ycbcr-L.png')

pal = Image.new('P', (w, h))
pal.putpalette([random.randrange(256) for _ in range(768)])
pal.putdata([random.randrange(256) for _ in range(w * h)])
pal.save('palette-in.png')
pal.convert('L').save('palette-L.png')
