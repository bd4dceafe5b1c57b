// Photos in and out with pngjs (pure JavaScript): an RGB float tensor for the models, and boxes,
// limbs and keypoints drawn onto the RGBA pixels for the picture written at the end.
import { readFileSync, writeFileSync } from 'node:fs';

import { PNG } from 'pngjs';

/** Reads a PNG: `{ width, height, rgba }` (RGBA bytes, row-major). */
export function readPng(file) {
  const png = PNG.sync.read(readFileSync(file));
  return { width: png.width, height: png.height, rgba: png.data };
}

/** The RGB channels as float32 values in 0..255, `[1, H, W, 3]` as tfjs takes them. */
export function rgbFloat({ width, height, rgba }) {
  const rgb = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; ++i) {
    rgb[3 * i] = rgba[4 * i];
    rgb[3 * i + 1] = rgba[4 * i + 1];
    rgb[3 * i + 2] = rgba[4 * i + 2];
  }
  return { data: rgb, shape: [1, height, width, 3] };
}

function plot(image, x, y, [r, g, b]) {
  const xi = Math.round(x);
  const yi = Math.round(y);
  if (xi < 0 || yi < 0 || xi >= image.width || yi >= image.height) return;
  const at = 4 * (yi * image.width + xi);
  image.rgba[at] = r;
  image.rgba[at + 1] = g;
  image.rgba[at + 2] = b;
  image.rgba[at + 3] = 255;
}

/** A line `width` pixels wide from (x0, y0) to (x1, y1), pixel centres at integers. */
export function drawLine(image, x0, y0, x1, y1, colour, width = 2) {
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
  const half = (width - 1) / 2;
  for (let s = 0; s <= steps; ++s) {
    const x = x0 + ((x1 - x0) * s) / steps;
    const y = y0 + ((y1 - y0) * s) / steps;
    for (let dy = -half; dy <= half; ++dy) for (let dx = -half; dx <= half; ++dx) plot(image, x + dx, y + dy, colour);
  }
}

/** A filled disc of `radius` pixels with a dark rim, so it shows on any background. */
export function drawDot(image, x, y, colour, radius = 4) {
  for (let dy = -radius - 1; dy <= radius + 1; ++dy) {
    for (let dx = -radius - 1; dx <= radius + 1; ++dx) {
      const d = Math.hypot(dx, dy);
      if (d <= radius) plot(image, x + dx, y + dy, colour);
      else if (d <= radius + 1) plot(image, x + dx, y + dy, [0, 0, 0]);
    }
  }
}

/** The outline of the box x1, y1, x2, y2. */
export function drawBox(image, [x1, y1, x2, y2], colour) {
  drawLine(image, x1, y1, x2, y1, colour);
  drawLine(image, x2, y1, x2, y2, colour);
  drawLine(image, x2, y2, x1, y2, colour);
  drawLine(image, x1, y2, x1, y1, colour);
}

export function writePng(file, { width, height, rgba }) {
  const png = new PNG({ width, height });
  rgba.copy(png.data);
  writeFileSync(file, PNG.sync.write(png));
}
