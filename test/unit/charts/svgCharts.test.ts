import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsample, renderLineChart } from '../../../src/engine/charts/lineChart';
import { renderConfusionChart } from '../../../src/engine/charts/confusionChart';
import { formatTick, logTicks, makeScale, niceStep, niceTicks } from '../../../src/engine/charts/svgScale';
import { escapeXml } from '../../../src/engine/charts/svgText';
import type { ClassificationEvaluation } from '../../../src/protocol/runTypes';
import { findAll, parseXml } from '../helpers/xmlCheck';

test('nice ticks: steps of 1, 2, 2.5 or 5 × 10^k covering the range', () => {
  assert.equal(niceStep(1, 5), 0.2);
  assert.equal(niceStep(100, 4), 25);
  assert.deepEqual(niceTicks(0.03, 0.97, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(1, 40, 6), [0, 10, 20, 30, 40]);
  const ticks = niceTicks(0.1234, 0.1299, 5);
  assert.ok(ticks[0] <= 0.1234 && ticks[ticks.length - 1] >= 0.1299, ticks.join());
  for (const t of ticks) assert.equal(t, Number.parseFloat(t.toPrecision(12)), 'no float noise');
  // A single value is widened instead of dividing by zero.
  const flat = niceTicks(0.5, 0.5);
  assert.ok(flat.length >= 2 && flat[0] < 0.5 && flat[flat.length - 1] > 0.5);
});

test('log ticks: powers of ten (2× and 5× over few decades)', () => {
  assert.deepEqual(logTicks(66, 900), [10, 20, 50, 100, 200, 500, 1000]);
  assert.deepEqual(logTicks(66, 2658), [10, 100, 1000, 10000]);
  assert.deepEqual(logTicks(3, 2_000_000), [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000]);
});

test('scales map the domain onto pixels, linear and log, y axes inverted', () => {
  const x = makeScale([0, 10], 50, 550);
  assert.equal(x(x.domain[0]), 50);
  assert.equal(x(x.domain[1]), 550);
  assert.equal(x(5), 300);
  const y = makeScale([0, 1], 300, 30);
  assert.equal(y(0), 300);
  assert.equal(y(1), 30);
  const log = makeScale([10, 1000], 0, 200, { log: true });
  assert.equal(log.log, true);
  assert.ok(Math.abs(log(100) - 100) < 1e-9, 'a decade takes the same width');
  // Log scales skip values <= 0 and NaN; with none left they fall back to linear.
  assert.equal(makeScale([0, -1, Number.NaN, 10, 100], 0, 1, { log: true }).domain[0], 10);
  assert.equal(makeScale([0, -1], 0, 1, { log: true }).log, false);
  assert.deepEqual(makeScale([3, 5], 0, 1, { includeZero: true }).domain, [0, 5]);
});

test('tick labels are short', () => {
  assert.equal(formatTick(0), '0');
  assert.equal(formatTick(0.25), '0.25');
  assert.equal(formatTick(0.1 + 0.2), '0.3');
  assert.equal(formatTick(20000), '20k');
  assert.equal(formatTick(1_500_000), '1.5M');
  assert.equal(formatTick(0.00001), '1e-5');
});

test('escaping keeps text and attributes well-formed', () => {
  assert.equal(escapeXml(`a<b & "c" 'd'>`), 'a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
  assert.equal(escapeXml('bell\u0007'), 'bell');
});

test('line chart: a well-formed SVG with one path per series, points inside the plot', () => {
  const train = Array.from({ length: 50 }, (_, i) => [i + 1, 1 / (i + 1)] as const);
  const svg = renderLineChart({
    title: 'Run <"a & b">',
    xLabel: 'step',
    yLabel: 'loss',
    series: [
      { name: 'training loss', points: train },
      { name: 'validation loss', points: [[10, 0.5], [20, 0.3], [30, 0.25]], dashed: true },
    ],
  });
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attributes.xmlns, 'http://www.w3.org/2000/svg');
  const width = Number(root.attributes.width);
  const height = Number(root.attributes.height);
  assert.equal(root.attributes.viewBox, `0 0 ${width} ${height}`);
  assert.equal(findAll(root, 'title')[0].text, 'Run <"a & b">');
  const paths = findAll(root, 'path');
  assert.equal(paths.length, 2);
  assert.ok(paths[1].attributes['stroke-dasharray'], 'dashed series');
  for (const p of paths) {
    const coords = [...p.attributes.d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.ok(coords.length >= 2);
    for (const [cx, cy] of coords) assert.ok(cx >= 0 && cx <= width && cy >= 0 && cy <= height, `${cx},${cy} inside`);
  }
  // Training loss falls: its path goes down the page (y grows) from left to right.
  const first = /M([\d.]+) ([\d.]+)/.exec(paths[0].attributes.d);
  const last = /L([\d.]+) ([\d.]+)$/.exec(paths[0].attributes.d);
  assert.ok(first && last && Number(last[1]) > Number(first[1]) && Number(last[2]) > Number(first[2]));
  assert.equal(findAll(root, 'circle').length, 3, 'few points get markers, many do not');
  const legend = findAll(root, 'g').filter((g) => g.attributes.class === 'legend-item');
  assert.deepEqual(legend.map((g) => findAll(g, 'text')[0].text), ['training loss', 'validation loss']);
});

test('line chart: gaps break lines, log axes drop non-positive values, no data is said', () => {
  const svg = renderLineChart({
    title: 't',
    xLabel: 'x',
    yLabel: 'y',
    logY: true,
    series: [{ name: 's', points: [[1, 1], [2, 0.5], [3, Number.NaN], [4, 0.2], [5, 0.1], [6, 0], [7, 0.05], [8, 0.04]] }],
  });
  const root = parseXml(svg);
  assert.equal(findAll(root, 'path').length, 3, 'NaN and 0 (on a log axis) split the line in three');
  assert.ok(findAll(root, 'text').some((t) => t.text === 'y (log scale)'));
  const empty = parseXml(renderLineChart({ title: 'empty', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [] }] }));
  assert.ok(findAll(empty, 'text').some((t) => t.text === 'No data yet'));
});

test('scatter charts label points without overlapping labels', () => {
  const svg = renderLineChart({
    title: 'trade-off',
    xLabel: 'params',
    yLabel: 'accuracy',
    logX: true,
    series: [
      { name: 'lora', style: 'points', points: [[700, 0.9], [700, 0.9], [1400, 0.95]], pointLabels: ['r=4', 'r=4 again', 'r=8'] },
      { name: 'features', style: 'points', points: [[66, 0.6]], pointLabels: ['lr=0.01'] },
    ],
  });
  const root = parseXml(svg);
  assert.equal(findAll(root, 'path').length, 0, 'points only');
  assert.equal(findAll(root, 'circle').length, 4 + 2, 'markers plus legend swatches');
  const labels = findAll(root, 'text').filter((t) => t.attributes['font-size'] === '10');
  assert.ok(labels.length >= 3, 'labels placed');
  const boxes = labels.map((t) => ({ x: Number(t.attributes.x), y: Number(t.attributes.y), anchor: t.attributes['text-anchor'] }));
  const unique = new Set(boxes.map((b) => `${b.x},${b.y},${b.anchor}`));
  assert.equal(unique.size, boxes.length, 'no two labels at the same spot');
});

test('downsampling averages buckets and keeps the shape', () => {
  const points = Array.from({ length: 1000 }, (_, i) => [i, i * 2] as const);
  const out = downsample(points, 100);
  assert.ok(out.length <= 100);
  assert.deepEqual(out[0], [4.5, 9]);
  assert.ok(out.every(([x, y]) => y === 2 * x));
  assert.equal(downsample(points.slice(0, 5), 100).length, 5);
});

test('confusion chart: one cell per pair, counts as text, diagonal outlined', () => {
  const evaluation: ClassificationEvaluation = {
    task: 'text-classification',
    checkpoint: 'best',
    rows: 10,
    loss: 0.3,
    accuracy: 0.8,
    macroF1: 0.79,
    perClass: [],
    confusion: { labels: ['neg', 'pos & <other>'], matrix: [[4, 1], [1, 4]] },
  };
  const root = parseXml(renderConfusionChart(evaluation));
  const cells = findAll(root, 'g').filter((g) => g.attributes.class === 'cell');
  assert.equal(cells.length, 4);
  assert.deepEqual(cells.map((c) => findAll(c, 'text')[0].text), ['4', '1', '1', '4']);
  assert.ok(findAll(root, 'text').some((t) => t.text === 'pos & <other>'));
  const diagonal = cells.filter((c) => c.attributes['data-row'] === c.attributes['data-column']);
  assert.ok(diagonal.every((c) => findAll(c, 'rect')[0].attributes['stroke-width'] === '2'));
});
