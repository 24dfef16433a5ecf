/**
 * LOLWUT art: a braille-rendered canvas. Version 5 draws a Schotter-like grid of squares
 * that get more disordered row after row (after Georg Nees, 1968); version 6 a small
 * skyline. Written for redmoon; the pictures are random, as Redis's are.
 */

class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height);
  }

  set(x: number, y: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels[y * this.width + x] = 1;
  }

  get(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return 0;
    return this.pixels[y * this.width + x];
  }

  line(x0: number, y0: number, x1: number, y1: number): void {
    const dx = Math.abs(x1 - x0);
    const dy = Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx - dy;
    for (;;) {
      this.set(x0, y0);
      if (x0 === x1 && y0 === y1) break;
      const e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x0 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  /** A square of side `size` centred on (x, y), rotated by `angle` radians. */
  square(x: number, y: number, size: number, angle: number): void {
    const pts: [number, number][] = [];
    const r = size / Math.SQRT2;
    for (let k = 0; k < 4; k++) {
      const a = angle + Math.PI / 4 + (k * Math.PI) / 2;
      pts.push([Math.round(x + r * Math.cos(a)), Math.round(y + r * Math.sin(a))]);
    }
    for (let k = 0; k < 4; k++) {
      const [ax, ay] = pts[k];
      const [bx, by] = pts[(k + 1) % 4];
      this.line(ax, ay, bx, by);
    }
  }

  /** Renders 2x4 pixel cells as braille characters (UTF-8 bytes as a byte string). */
  render(): string {
    const lines: string[] = [];
    for (let y = 0; y < this.height; y += 4) {
      let row = '';
      for (let x = 0; x < this.width; x += 2) {
        let bits = 0;
        if (this.get(x, y)) bits |= 0x01;
        if (this.get(x, y + 1)) bits |= 0x02;
        if (this.get(x, y + 2)) bits |= 0x04;
        if (this.get(x + 1, y)) bits |= 0x08;
        if (this.get(x + 1, y + 1)) bits |= 0x10;
        if (this.get(x + 1, y + 2)) bits |= 0x20;
        if (this.get(x, y + 3)) bits |= 0x40;
        if (this.get(x + 1, y + 3)) bits |= 0x80;
        row += String.fromCodePoint(0x2800 + bits);
      }
      lines.push(row);
    }
    return Buffer.from(lines.join('\n'), 'utf8').latin1Slice();
  }
}

export function schotter(cols: number, perRow: number, perCol: number): string {
  const width = cols * 2;
  const padding = width > 4 ? 2 : 0;
  const size = Math.max(1, Math.floor((width - padding * 2) / perRow));
  const height = size * perCol + padding * 2;
  const canvas = new Canvas(width, height);
  for (let y = 0; y < perCol; y++) {
    for (let x = 0; x < perRow; x++) {
      const disorder = y / perCol;
      const cx = padding + x * size + size / 2 + (Math.random() - 0.5) * disorder * size * 0.5;
      const cy = padding + y * size + size / 2 + (Math.random() - 0.5) * disorder * size * 0.5;
      const angle = (Math.random() - 0.5) * disorder * (Math.PI / 2);
      canvas.square(cx, cy, size, angle);
    }
  }
  return canvas.render();
}

export function skyline(cols: number, rows: number): string {
  const canvas = new Canvas(cols * 2, rows * 4);
  let x = 0;
  while (x < canvas.width) {
    const w = 4 + Math.floor(Math.random() * 10);
    const h = Math.floor(canvas.height * (0.2 + Math.random() * 0.7));
    const top = canvas.height - h;
    canvas.line(x, canvas.height - 1, x, top);
    canvas.line(x, top, x + w, top);
    canvas.line(x + w, top, x + w, canvas.height - 1);
    for (let wy = top + 3; wy < canvas.height - 2; wy += 4) {
      for (let wx = x + 2; wx < x + w - 1; wx += 3) if (Math.random() < 0.5) canvas.set(wx, wy);
    }
    x += w + 1 + Math.floor(Math.random() * 3);
  }
  return canvas.render();
}
