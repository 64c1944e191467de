/** The ratios of issue 17 as the bench reports them: [key in summary.ratios, label, goal], for the given targets. */
export function ratioRows(targets) {
  return [
    ['liveCpuVsBare', 'server CPU per response, `/health/live` ÷ bare Nest route', `≤ ${targets.cpuVsBare}`],
    ['readyCpuVsBare', 'server CPU per response, cached `/health/ready` ÷ bare Nest route', `≤ ${targets.cpuVsBare}`],
    ['liveRpsVsBare', '`/health/live` ÷ bare Nest route, req/s', `≥ ${targets.rpsVsBare}`],
    ['readyRpsVsBare', 'cached `/health/ready` ÷ bare Nest route, req/s', `≥ ${targets.rpsVsBare}`],
    ['readyRpsVsTerminusCached', 'cached `/health/ready` ÷ terminus 12 `.cacheFor(5000)`, req/s', `≥ ${targets.rpsVsTerminusCached}`],
    ['readyTotalCpuVsTerminusUncached', 'cached `/health/ready` ÷ terminus 12 uncached, server+Postgres+Redis CPU per response', `≤ ${targets.totalCpuVsTerminusUncached}`],
    ['readyRpsVsTerminusUncached', 'cached `/health/ready` ÷ terminus 12 uncached, req/s', '> 1'],
    ['bareSizedCpuVsBare', 'diagnostic: bare route with a /health/live-sized body ÷ bare route, server CPU per response', ''],
  ];
}

/** `median (min–max)` of a figure over the rounds. */
export const spreadText = (s) => (!s || s.median === null ? 'n/a' : s.min === s.max ? `${s.median}` : `${s.median} (${s.min}–${s.max})`);
