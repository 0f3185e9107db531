import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROBABILITY_EPSILON,
  classificationMetrics,
  confusionMatrix,
  crossEntropy,
  regressionMetrics,
} from '../../../src/engine/evaluation/metrics';

const TOL = 1e-12;

function close(actual: number, expected: number, tol = TOL, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} ≠ ${expected} (±${tol})`);
}

/** A small seeded generator (LCG), so the brute-force cases are reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

test('binary example worked by hand', () => {
  // true: 0 0 0 0 1 1   pred: 0 0 0 1 1 1
  // class 0: TP 3, predicted 3, support 4 → P 1, R 3/4, F1 6/7
  // class 1: TP 2, predicted 3, support 2 → P 2/3, R 1, F1 4/5
  const e = classificationMetrics([0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 1], ['neg', 'pos'], 0.42, 'best', 'tabular-classification');
  assert.equal(e.rows, 6);
  assert.equal(e.loss, 0.42);
  assert.equal(e.checkpoint, 'best');
  assert.equal(e.task, 'tabular-classification');
  close(e.accuracy, 5 / 6);
  assert.deepEqual(e.confusion, { labels: ['neg', 'pos'], matrix: [[3, 1], [0, 2]] });
  close(e.perClass[0].precision, 1);
  close(e.perClass[0].recall, 3 / 4);
  close(e.perClass[0].f1, 6 / 7);
  close(e.perClass[1].precision, 2 / 3);
  close(e.perClass[1].recall, 1);
  close(e.perClass[1].f1, 4 / 5);
  assert.deepEqual(e.perClass.map((c) => c.support), [4, 2]);
  close(e.macroF1, (6 / 7 + 4 / 5) / 2);
});

test('3-class example matches scikit-learn (f1_score average="macro" = 0.2666…)', () => {
  // sklearn docs: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1]
  //   f1_score(average='macro') = 0.26666666666666666, per class [0.8, 0, 0]
  //   precision_score(average='macro') = 0.2222…, recall_score(average='macro') = 0.3333…
  // By hand: class 0 TP 2, predicted 3, support 2 → P 2/3, R 1, F1 0.8; classes 1 and 2 TP 0 → F1 0.
  // Confusion (rows true): 0 → [2,0,0]; 1 → predicted 2 then 0 → [1,0,1]; 2 → predicted 1 twice → [0,2,0].
  const e = classificationMetrics([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], ['a', 'b', 'c'], 0, 'best', 'text-classification');
  close(e.macroF1, 0.26666666666666666);
  assert.deepEqual(e.perClass.map((c) => Number(c.f1.toFixed(12))), [0.8, 0, 0]);
  close(e.perClass.reduce((s, c) => s + c.precision, 0) / 3, 0.2222222222222222);
  close(e.perClass.reduce((s, c) => s + c.recall, 0) / 3, 0.3333333333333333);
  close(e.accuracy, 2 / 6);
  assert.deepEqual(e.confusion.matrix, [
    [2, 0, 0],
    [1, 0, 1],
    [0, 2, 0],
  ]);
});

test('macro-F1 counts classes present in the truth or the predictions, not absent ones', () => {
  // true [0,0,1,1], pred [0,2,1,1], labels a,b,c,d.
  // a: P 1, R 1/2, F1 2/3; b: F1 1; c: predicted once, no support → P 0, R 0, F1 0 (counted);
  // d: neither true nor predicted → listed with zeros, not counted. sklearn: 0.5555…
  const e = classificationMetrics([0, 0, 1, 1], [0, 2, 1, 1], ['a', 'b', 'c', 'd'], 0, 'best', 'text-classification');
  close(e.macroF1, (2 / 3 + 1 + 0) / 3);
  assert.deepEqual(e.perClass[2], { label: 'c', precision: 0, recall: 0, f1: 0, support: 0 });
  assert.deepEqual(e.perClass[3], { label: 'd', precision: 0, recall: 0, f1: 0, support: 0 });
});

test('a class never predicted has precision 0', () => {
  const e = classificationMetrics([0, 1, 1], [0, 0, 0], ['x', 'y'], 0, 'best', 'text-classification');
  assert.equal(e.perClass[1].precision, 0);
  assert.equal(e.perClass[1].recall, 0);
  assert.equal(e.perClass[1].f1, 0);
  close(e.perClass[0].precision, 1 / 3);
});

for (const [classes, rows, seed] of [
  [2, 50, 1],
  [3, 200, 2],
  [5, 1000, 3],
  [7, 37, 4],
] as const) {
  test(`brute-force recomputation agrees: classes=${classes}, rows=${rows}`, () => {
    const rand = lcg(seed);
    // Skewed predictions so some classes are rarely or never predicted.
    const t = Array.from({ length: rows }, () => Math.floor(rand() * classes));
    const p = t.map((y) => (rand() < 0.6 ? y : Math.floor(rand() * rand() * classes)));
    const labels = Array.from({ length: classes }, (_, i) => `c${i}`);
    const e = classificationMetrics(t, p, labels, 0, 'best', 'text-classification');

    let f1Sum = 0;
    let counted = 0;
    let correct = 0;
    for (let n = 0; n < rows; n++) if (t[n] === p[n]) correct++;
    for (let c = 0; c < classes; c++) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let n = 0; n < rows; n++) {
        if (t[n] === c && p[n] === c) tp++;
        else if (t[n] !== c && p[n] === c) fp++;
        else if (t[n] === c && p[n] !== c) fn++;
      }
      // F1 = 2TP / (2TP + FP + FN): the same number as the harmonic mean, computed differently.
      const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
      close(e.perClass[c].f1, f1, 1e-12, `f1 of c${c}`);
      close(e.perClass[c].precision, tp + fp === 0 ? 0 : tp / (tp + fp), 1e-12, `precision of c${c}`);
      close(e.perClass[c].recall, tp + fn === 0 ? 0 : tp / (tp + fn), 1e-12, `recall of c${c}`);
      assert.equal(e.perClass[c].support, tp + fn);
      if (tp + fp + fn > 0) {
        f1Sum += f1;
        counted++;
      }
      for (let j = 0; j < classes; j++) {
        let count = 0;
        for (let n = 0; n < rows; n++) if (t[n] === c && p[n] === j) count++;
        assert.equal(e.confusion.matrix[c][j], count);
      }
    }
    close(e.accuracy, correct / rows);
    close(e.macroF1, f1Sum / counted);
  });
}

test('classification input errors and the empty case', () => {
  assert.throws(() => classificationMetrics([0, 1], [0], ['a', 'b'], 0, 'best', 'text-classification'), RangeError);
  assert.throws(() => classificationMetrics([0, 2], [0, 1], ['a', 'b'], 0, 'best', 'text-classification'), /outside/);
  assert.throws(() => confusionMatrix([0], [-1], 2), RangeError);
  const empty = classificationMetrics([], [], ['a', 'b'], 0, 'best', 'text-classification');
  assert.equal(empty.rows, 0);
  assert.equal(empty.accuracy, 0);
  assert.equal(empty.macroF1, 0);
});

test('regression example matches scikit-learn documentation values', () => {
  // sklearn docs: y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8]
  //   mean_absolute_error = 0.5, mean_squared_error = 0.375, r2_score = 0.948…
  // By hand: errors 0.5, -0.5, 0, -1; mean 2.875; SS_res 1.5; SS_tot 29.1875; R² = 1 - 1.5/29.1875.
  const e = regressionMetrics([3, -0.5, 2, 7], [2.5, 0, 2, 8], 0.375, 'best');
  assert.equal(e.task, 'tabular-regression');
  assert.equal(e.rows, 4);
  close(e.mae, 0.5);
  close(e.rmse, Math.sqrt(0.375));
  close(e.r2, 0.9486081370449679);
  close(e.r2, 1 - 1.5 / 29.1875);
});

test('regression brute force: SS_tot from pairwise differences', () => {
  const rand = lcg(9);
  const yTrue = Array.from({ length: 300 }, () => rand() * 100 - 20);
  const yPred = yTrue.map((y) => y + (rand() - 0.5) * 10);
  const e = regressionMetrics(yTrue, yPred, 0, 'best');
  const n = yTrue.length;
  // Σ(y − ȳ)² = (1/n) Σ_{i<j} (y_i − y_j)²
  let pairSum = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairSum += (yTrue[i] - yTrue[j]) ** 2;
  const ssTot = pairSum / n;
  let ssRes = 0;
  let abs = 0;
  yTrue.forEach((y, i) => {
    ssRes += (y - yPred[i]) ** 2;
    abs += Math.abs(y - yPred[i]);
  });
  close(e.r2, 1 - ssRes / ssTot, 1e-9);
  close(e.mae, abs / n, 1e-9);
  close(e.rmse, Math.hypot(...yTrue.map((y, i) => y - yPred[i])) / Math.sqrt(n), 1e-9);
});

test('R² with constant true values: 1 when perfect, 0 otherwise', () => {
  assert.equal(regressionMetrics([2, 2, 2], [2, 2, 2], 0, 'best').r2, 1);
  assert.equal(regressionMetrics([2, 2, 2], [2, 3, 2], 0, 'best').r2, 0);
  assert.throws(() => regressionMetrics([1, 2], [1], 0, 'best'), RangeError);
  assert.deepEqual(regressionMetrics([], [], 0, 'best'), {
    task: 'tabular-regression',
    checkpoint: 'best',
    rows: 0,
    loss: 0,
    mae: 0,
    rmse: 0,
    r2: 0,
  });
});

test('crossEntropy: hand example, product form, clipping', () => {
  // (−ln 0.7 − ln 0.8) / 2 = (0.356674944 + 0.223143551) / 2
  close(crossEntropy([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]], [0, 1]), 0.2899092476264711, 1e-12);
  const rand = lcg(5);
  const probs = Array.from({ length: 20 }, () => {
    const raw = [rand() + 0.01, rand() + 0.01, rand() + 0.01];
    const sum = raw[0] + raw[1] + raw[2];
    return raw.map((v) => v / sum);
  });
  const truth = probs.map(() => Math.floor(rand() * 3));
  const product = probs.reduce((acc, row, i) => acc * row[truth[i]], 1);
  close(crossEntropy(probs, truth), -Math.log(product) / probs.length, 1e-9);
  close(crossEntropy([[0, 1]], [0]), -Math.log(PROBABILITY_EPSILON), 1e-12);
  assert.ok(Number.isFinite(crossEntropy([[0, 1]], [0])));
  assert.equal(crossEntropy([], []), 0);
  assert.throws(() => crossEntropy([[0.5, 0.5]], [2]), RangeError);
  assert.throws(() => crossEntropy([[0.5, 0.5]], [0, 1]), RangeError);
});
