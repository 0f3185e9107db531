import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnTitles, tableToCsv, tableToMarkdown } from '../../../src/panels/compareExport';
import { formatMetric } from '../../../src/panels/compareFormat';
import type { CompareRunColumn, ConfigRow, MetricRow } from '../../../src/protocol/comparePanelProtocol';

function column(runId: string, name: string): CompareRunColumn {
  return { ref: { runsDir: '/r', runId }, name, status: 'completed', technique: 'lora', task: 'text-classification', color: 0, stepsPerEpoch: 10 };
}

const runs = [column('a1', 'lora, r=8'), column('b2', 'full "big"')];
const rows: MetricRow[] = [
  { key: 'test/accuracy', group: 'Test', label: 'Test accuracy', direction: 'higher', format: 'percent', values: [0.91234, 0.8], best: [0] },
  { key: 'cost/modelBytes', group: 'Cost', label: 'Model size | disk', direction: 'lower', format: 'bytes', values: [2048, null], best: [] },
];

test('CSV: raw numbers, quoted names, run ids, empty cells for missing values', () => {
  const csv = tableToCsv(runs, rows);
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines[0], 'Group,Metric,"lora, r=8","full ""big"""');
  assert.equal(lines[1], ',Run id,a1,b2');
  assert.equal(lines[2], 'Test,Test accuracy,0.91234,0.8');
  assert.equal(lines[3], 'Cost,Model size | disk,2048,');
});

test('Markdown: a table per group, formatted values, best in bold, pipes escaped, config differences', () => {
  const config: ConfigRow[] = [
    { key: 'technique', group: 'Technique', label: 'Technique', values: ['LoRA', 'full fine-tuning'], differs: true },
    { key: 'epochs', group: 'Training', label: 'Epochs', values: ['3', '3'], differs: false },
  ];
  const md = tableToMarkdown(runs, rows, config);
  assert.match(md, /## Test\n\n\| Metric \| lora, r=8 \| full "big" \|\n\| --- \| ---: \| ---: \|\n\| Test accuracy \| \*\*91\.2%\*\* \| 80\.0% \|/);
  assert.match(md, /\| Model size \\\| disk \| 2\.0 KB \| — \|/);
  assert.match(md, /## Configuration differences[\s\S]*\| Technique \| LoRA \| full fine-tuning \|/);
  assert.doesNotMatch(md, /\| Epochs \|/);
});

test('column titles: a shared name gets the run id', () => {
  assert.deepEqual(columnTitles([column('a', 'x'), column('b', 'x'), column('c', 'y')]), ['x (a)', 'x (b)', 'y']);
});

test('metric formats (shared by the exports and the webview)', () => {
  const cases: [number | null | undefined, MetricRow['format'], string][] = [
    [0.91234, 'percent', '91.2%'],
    [1234567, 'count', '1,234,567'],
    [3725, 'duration', '1 h 02 min'],
    [5_300_000, 'bytes', '5.1 MB'],
    [null, 'value', '—'],
    [undefined, 'value', '—'],
  ];
  for (const [value, format, expected] of cases) assert.equal(formatMetric(value, format), expected, `${value} ${format}`);
});
