/**
 * The chart component, loaded on first use: ECharts is the largest part of the UI, and only the
 * pages that draw a chart (a provider's details, Observability) fetch it (lib/echarts-setup.ts).
 */
import { defineAsyncComponent } from 'vue'

export const VChart = defineAsyncComponent(() => import('./echarts-setup').then((m) => m.default))
