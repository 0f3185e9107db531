// Inspections and model choices for the setup panel's state tests.

import type { DatasetInspection } from '../../../src/protocol/datasetTypes';
import type { ModelChoice } from '../../../src/protocol/setupPanelProtocol';

export function textInspection(overrides: Partial<DatasetInspection> = {}): DatasetInspection {
  return {
    path: '/data/reviews.csv',
    format: 'csv',
    delimiter: ',',
    hasHeader: true,
    rows: 1000,
    skippedRows: 0,
    columns: [
      { name: 'review', kind: 'text', missing: 0, distinct: 1000, labelCandidate: false },
      { name: 'sentiment', kind: 'categorical', missing: 0, distinct: 2, labelCandidate: true },
    ],
    label: 'sentiment',
    labelReason: 'inferred: column "sentiment" has a usual label name',
    text: 'review',
    task: 'text-classification',
    labelCounts: [
      { label: 'good', count: 500 },
      { label: 'bad', count: 500 },
    ],
    problems: [],
    problemCounts: {},
    problemsTruncated: false,
    fingerprint: 'abc123',
    bytes: 50_000,
    ...overrides,
  };
}

export function tabularInspection(overrides: Partial<DatasetInspection> = {}): DatasetInspection {
  return textInspection({
    path: '/data/tabular.csv',
    columns: [
      { name: 'f1', kind: 'numeric', missing: 0, distinct: 240, labelCandidate: true },
      { name: 'colour', kind: 'categorical', missing: 0, distinct: 3, labelCandidate: true },
      { name: 'label', kind: 'categorical', missing: 0, distinct: 2, labelCandidate: true },
    ],
    label: 'label',
    text: null,
    task: 'tabular-classification',
    rows: 240,
    ...overrides,
  });
}

export const NN_SENTIMENT: ModelChoice = { value: 'nn-sentiment', title: 'nn-sentiment', detail: '', reads: 'text', recommended: true, source: 'builtin', tag: 'built in', download: null };
export const MLP: ModelChoice = { value: 'mlp', title: 'MLP', detail: '', reads: 'tabular', recommended: false, source: 'builtin', tag: 'built for your data', download: null };
export const MOBILENET: ModelChoice = { value: 'mobilenet_v2', title: 'MobileNetV2', detail: '', reads: 'image', recommended: true, source: 'builtin', tag: 'built in', download: null };

export function imageFolderInspection(overrides: Partial<DatasetInspection> = {}): DatasetInspection {
  return textInspection({
    path: '/data/pets',
    format: 'image-folder',
    hasHeader: false,
    delimiter: undefined,
    columns: [
      { name: 'image', kind: 'text', missing: 0, distinct: 40, labelCandidate: false },
      { name: 'label', kind: 'categorical', missing: 0, distinct: 2, labelCandidate: true },
    ],
    label: 'label',
    labelReason: 'the name of the sub-folder each image is in',
    text: null,
    image: 'image',
    task: 'image-classification',
    rows: 40,
    labelCounts: [
      { label: 'cats', count: 20 },
      { label: 'dogs', count: 20 },
    ],
    ...overrides,
  });
}
