// Bar chart of granted vs paid per group, drawn with Apache ECharts (loaded with this chunk only).
import { useEffect, useRef } from 'react';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface ChartSeries {
  name: string;
  values: number[];
  color: string;
}

/** A horizontal bar chart; label is its accessible name (the data is also in a table). */
export default function Chart({ categories, series, label }: { categories: string[]; series: ChartSeries[]; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
    chart.setOption({
      aria: { enabled: true, label: { description: label } },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => euros.format(Number(v)) },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => euros.format(v) } },
      yAxis: { type: 'category', data: categories, axisLabel: { width: 180, overflow: 'truncate' } },
      series: series.map((s) => ({ name: s.name, type: 'bar', data: s.values.map((c) => c / 100), itemStyle: { color: s.color } })),
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [categories, series, label]);
  return <div ref={ref} className="chart" role="img" aria-label={label} />;
}
