import type { THome } from '@qiming/shared';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** The home statistics as a bar chart, resized with its container. */
export function StatsChart({ stats, label }: { stats: THome['stats']; label: (stat: THome['stats'][number]) => string }) {
  const ref = useRef<HTMLDivElement>(null);
  const labels = stats.map(label);
  const values = stats.map((s) => s.value);
  const signature = JSON.stringify([labels, values]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: labels, axisTick: { show: false } },
      yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#edf1f6' } } },
      series: [{ type: 'bar', data: values, barMaxWidth: 40, itemStyle: { color: '#1f6fd1', borderRadius: [6, 6, 0, 0] } }],
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [signature]);

  return (
    <div ref={ref} style={{ width: '100%', height: 240 }} role="img" aria-label={labels.map((l, i) => `${l} ${values[i]}`).join('，')} />
  );
}
