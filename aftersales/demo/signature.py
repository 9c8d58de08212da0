"""A customer's signature for the demo: a PNG of a pen squiggle drawn with Pillow."""

import io
import math
import random

from PIL import Image, ImageDraw


def signature_png(rng: random.Random) -> bytes:
    """A small PNG of a signature-like squiggle: a few strokes of summed sine waves."""
    width, height = 320, 120
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    x = 20.0
    for _stroke in range(rng.randint(2, 4)):
        length = rng.uniform(50, 110)
        f1, f2 = rng.uniform(0.08, 0.2), rng.uniform(0.02, 0.06)
        a1, a2 = rng.uniform(10, 28), rng.uniform(5, 15)
        points = []
        loop = rng.uniform(4, 12)
        for step in range(int(length) * 2):
            t = step / 2
            px = x + t + loop * math.cos(f1 * 1.7 * t)  # the cosine makes the pen loop back
            py = height / 2 + a1 * math.sin(f1 * t) + a2 * math.cos(f2 * t + a1) - 0.15 * t
            points.append((px, py))
        draw.line(points, fill=(20, 30, 90), width=3, joint="curve")
        x += length + rng.uniform(5, 20)
    draw.line([(15, height - 22), (min(x, width - 15), height - 25)], fill=(20, 30, 90), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
