// Metric events → the column form the dashboard protocol carries (see MetricColumns).

import type { MetricColumns } from '../protocol/dashboardProtocol';
import type { MetricEvent } from '../protocol/runTypes';

export function emptyColumns(): MetricColumns {
  return { series: [], seriesIndex: [], step: [], epoch: [], value: [], time: [] };
}

export function eventsToColumns(events: readonly MetricEvent[]): MetricColumns {
  const columns = emptyColumns();
  const index = new Map<string, number>();
  for (const event of events) {
    if (!Number.isFinite(event.value)) continue; // JSON would turn NaN into null
    const key = `${event.split}\u0000${event.name}`;
    let i = index.get(key);
    if (i === undefined) {
      i = columns.series.length;
      index.set(key, i);
      columns.series.push({ split: event.split, name: event.name });
    }
    const time = Date.parse(event.time);
    columns.seriesIndex.push(i);
    columns.step.push(event.step);
    columns.epoch.push(event.epoch);
    columns.value.push(event.value);
    columns.time.push(Number.isFinite(time) ? time : 0);
  }
  return columns;
}
