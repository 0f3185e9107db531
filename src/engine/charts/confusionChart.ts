// A confusion matrix as an SVG heat map: rows are true classes, columns predicted ones; each cell
// shows its count, shaded by the share of its row (so rare classes are as readable as common ones).

import type { ClassificationEvaluation } from '../../protocol/runTypes';
import { element, px, svgDocument, textElement, textWidth } from './svgText';

/** Classes beyond this are left out of the picture (evaluation.json has them all). */
export const MAX_CHART_CLASSES = 20;

function shorten(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

/** Blue scale from white (0) to a dark blue (1). */
function shade(share: number): string {
  const t = Math.max(0, Math.min(1, share));
  const channel = (from: number, to: number): number => Math.round(from + (to - from) * t);
  return `rgb(${channel(255, 33)},${channel(255, 102)},${channel(255, 172)})`;
}

export function renderConfusionChart(evaluation: ClassificationEvaluation, title = 'Confusion matrix (test split)'): string {
  const k = Math.min(evaluation.confusion.labels.length, MAX_CHART_CLASSES);
  const labels = evaluation.confusion.labels.slice(0, k).map((l) => shorten(l, 16));
  const matrix = evaluation.confusion.matrix.slice(0, k).map((row) => row.slice(0, k));
  const cell = k <= 4 ? 56 : k <= 10 ? 36 : 24;
  const labelWidth = Math.max(40, ...labels.map((l) => textWidth(l, 11))) + 10;
  const left = 24 + labelWidth;
  const top = 40 + labelWidth;
  const width = Math.max(left + k * cell + 16, textWidth(title, 13) + 20);
  const height = top + k * cell + (evaluation.confusion.labels.length > k ? 30 : 12);
  const body: string[] = [textElement(title, { x: 10, y: 18, 'font-size': 13, 'font-weight': 'bold', fill: '#222222' })];
  body.push(textElement('predicted →', { x: left, y: 34, fill: '#555555' }));
  body.push(textElement('true ↓', { x: 10, y: top - 6, fill: '#555555' }));
  labels.forEach((label, j) => {
    const x = left + j * cell + cell / 2 + 4;
    body.push(textElement(label, { x, y: top - 6, fill: '#333333', transform: `rotate(-90 ${px(x)} ${px(top - 6)})` }));
  });
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const y = top + i * cell;
    body.push(textElement(labels[i], { x: left - 6, y: y + cell / 2 + 4, 'text-anchor': 'end', fill: '#333333' }));
    row.forEach((count, j) => {
      const share = total > 0 ? count / total : 0;
      const x = left + j * cell;
      body.push(
        element(
          'g',
          { class: 'cell', 'data-row': i, 'data-column': j },
          element('rect', { x, y, width: cell, height: cell, fill: shade(share), stroke: i === j ? '#59a14f' : '#ffffff', 'stroke-width': i === j ? 2 : 1 }) +
            textElement(String(count), {
              x: x + cell / 2,
              y: y + cell / 2 + 4,
              'text-anchor': 'middle',
              fill: share > 0.5 ? '#ffffff' : '#222222',
              'font-size': cell < 30 ? 9 : 11,
            }),
        ),
      );
    });
  });
  if (evaluation.confusion.labels.length > k) {
    body.push(textElement(`First ${k} of ${evaluation.confusion.labels.length} classes; evaluation.json has all.`, { x: 10, y: height - 10, fill: '#777777' }));
  }
  return svgDocument(width, height, title, body);
}
