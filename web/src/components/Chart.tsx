import { useEffect, useRef, useState } from 'react';
import { echarts, type ChartOption } from './echarts';

/**
 * Plot area margins in pixels, fixed (no automatic label fitting) so a category's column is at a
 * known place: the e2e test clicks a day's bar by computing it.
 */
export const GRID = { left: 64, right: 16, top: 40, bottom: 28, outerBoundsMode: 'none' as const };

const dark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

function useDarkMode(): boolean {
  const [isDark, setDark] = useState(dark);
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const update = () => setDark(mq.matches);
    mq.addEventListener('change', update);
    return () => mq.removeEventListener('change', update);
  }, []);
  return isDark;
}

interface ChartProps {
  option: ChartOption;
  /** Called with the category index when a column of the plot area is clicked. */
  onCategoryClick?: (index: number) => void;
  height?: number;
  testId: string;
  /** Describes the chart for screen readers. */
  label: string;
  /** Number of data points drawn (exposed as data-count for tests). */
  count: number;
}

/** An ECharts chart that follows its container's size and the light/dark color scheme. */
export function Chart({ option, onCategoryClick, height = 280, testId, label, count }: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onCategoryClick);
  clickRef.current = onCategoryClick;
  const isDark = useDarkMode();

  useEffect(() => {
    const c = echarts.init(el.current!, isDark ? 'dark' : undefined);
    chart.current = c;
    c.getZr().on('click', (e: { offsetX: number; offsetY: number }) => {
      const point = [e.offsetX, e.offsetY];
      if (!clickRef.current || !c.containPixel('grid', point)) return;
      const [x] = c.convertFromPixel({ gridIndex: 0 }, point) as number[];
      if (x !== undefined && Number.isFinite(x)) clickRef.current(Math.round(x));
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [isDark]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', animation: false, ...option }, true);
  }, [option, isDark]);

  return (
    <div
      ref={el}
      className={onCategoryClick ? 'chart clickable' : 'chart'}
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-count={count}
    />
  );
}
