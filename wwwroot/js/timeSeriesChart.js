// The browser half of TimeSeriesChart (src/Components/Controls/Charts): one ApexCharts line chart per element, fed
// with deltas from .NET. The server never re-sends a chart's history: create() gets the snapshot, append() each new
// second, annotate()/thresholds() the marks. Every call takes the chart's id; the module keeps the charts by id.

const charts = new Map();

const markColours = {
    shift: '#1e88e5',
    pass: '#2e7d32',
    fail: '#d32f2f',
    inconclusive: '#ef6c00',
    pause: '#757575',
    resume: '#757575',
    rollback: '#c62828',
    success: '#2e7d32',
    deploy: '#1e88e5',
    alert: '#ef6c00',
    restart: '#9e9e9e',
};

// Label rows under the top of the plot: a verdict is stored a second after the shift it judges, and a rollback a
// second after the verdict that caused it; on one row their labels would cover each other.
const markRows = { pass: 1, fail: 1, inconclusive: 1, pause: 2, resume: 2 };

const units = {
    percent: { suffix: '%', decimals: 1 },
    milliseconds: { suffix: ' ms', decimals: 0 },
    perSecond: { suffix: '/s', decimals: 1 },
    count: { suffix: '', decimals: 0 },
    tokens: { suffix: '', decimals: 0 },
};

function format(unit, value) {
    if (value === null || value === undefined || !Number.isFinite(value)) {
        return '—';
    }
    const u = units[unit] ?? units.count;
    return value.toFixed(u.decimals) + u.suffix;
}

function xAnnotation(state, mark, row) {
    const colour = markColours[mark.kind] ?? markColours.deploy;
    return {
        x: mark.x,
        borderColor: colour,
        strokeDashArray: mark.kind === 'shift' || mark.kind === 'deploy' ? 0 : 4,
        label: {
            text: mark.label,
            borderColor: colour,
            orientation: 'horizontal',
            textAnchor: labelAnchor(state, mark.x),
            offsetY: -4 + 20 * row,
            style: { color: '#fff', background: colour, fontSize: '11px', cssClass: `tsc-mark tsc-mark-${mark.kind}` },
            mouseEnter: (_, event) => showTip(state, mark, event),
            mouseLeave: () => hideTip(state),
        },
    };
}

// The oldest and newest x over all series, or null when the chart holds no point.
function extent(state) {
    const ends = state.data.flatMap(d => (d.length ? [d[0][0], d[d.length - 1][0]] : []));
    return ends.length ? { oldest: Math.min(...ends), newest: Math.max(...ends) } : null;
}

// A label centred on a mark near the newest point (where live marks appear) would be cut off at the chart's right edge.
function labelAnchor(state, x) {
    const e = extent(state);
    return e && x > e.oldest + (e.newest - e.oldest) * 0.75 ? 'end' : 'middle';
}

// Marks close together in time (a shift and its first verdict, a failing verdict and the rollback it causes a second
// later, a rollback a minute later on a 24 h axis) get their labels on different rows rather than on top of each other:
// each mark takes its kind's preferred row, or the next of the three rows that no nearby earlier mark holds.
function labelRows(state) {
    const e = extent(state);
    const span = e ? e.newest - e.oldest : 0;
    const rows = [];
    state.marks.forEach((m, i) => {
        const taken = new Set(rows.filter((_, j) => Math.abs(state.marks[j].x - m.x) < span * 0.12));
        const preferred = markRows[m.kind] ?? 0;
        let row = preferred;
        for (let k = 0; k < 3 && taken.has(row); k++) {
            row = (preferred + k + 1) % 3;
        }
        rows[i] = row;
    });
    return rows;
}

// Labels alternate sides, the first on the right: two limits close together (an absolute one and a relative one) stay
// readable, and the first stays clear of the deployment's own mark labels, which start at the left edge.
function yAnnotation(threshold, index) {
    const right = index % 2 === 0;
    return {
        y: threshold.y,
        borderColor: '#d32f2f',
        strokeDashArray: 6,
        label: {
            text: threshold.label,
            borderColor: '#d32f2f',
            position: right ? 'right' : 'left',
            textAnchor: right ? 'end' : 'start',
            offsetX: right ? -8 : 8,
            style: { color: '#fff', background: '#d32f2f', fontSize: '11px', cssClass: 'tsc-threshold' },
        },
    };
}

function showTip(state, mark, event) {
    const tip = state.tip;
    tip.textContent = mark.detail ? `${mark.label} — ${mark.detail}` : mark.label;
    const box = state.element.getBoundingClientRect();
    tip.style.left = `${Math.max(0, Math.min(event.clientX - box.left + 8, box.width - 260))}px`;
    tip.style.top = `${Math.max(0, event.clientY - box.top + 12)}px`;
    tip.hidden = false;
}

function hideTip(state) {
    state.tip.hidden = true;
}

// A mark can be newer than the newest point: history points are stamped at their minute's start, so a deploy in the
// last minute lies after it, and ApexCharts does not draw an annotation outside the axis. The axis then reaches the
// newest mark; otherwise it is left to ApexCharts (undefined), so live points keep moving it.
function axisMax(state) {
    const e = extent(state);
    const newestMark = Math.max(...state.marks.map(m => m.x));
    return e && newestMark > e.newest ? newestMark : undefined;
}

// Updates what changed, and the axis with it when a mark or a point moved its end.
function update(state, changes) {
    const max = axisMax(state);
    if (max !== state.axisMax) {
        state.axisMax = max;
        state.chart.updateOptions({ ...changes, xaxis: { max } }, false, false);
    } else if (changes.series && Object.keys(changes).length === 1) {
        state.chart.updateSeries(changes.series, false);
    } else {
        state.chart.updateOptions(changes, false, false);
    }
}

function seriesData(state) {
    return state.series.map((s, i) => ({ name: s.name, data: state.data[i] }));
}

// Sparklines carry no marks or limits.
function annotations(state) {
    if (state.config.sparkline === true) {
        return { xaxis: [], yaxis: [] };
    }
    const rows = labelRows(state);
    return {
        xaxis: state.marks.map((m, i) => xAnnotation(state, m, rows[i])),
        yaxis: state.thresholds.map((t, i) => yAnnotation(t, i)),
    };
}

function themeOptions(dark) {
    return {
        theme: { mode: dark ? 'dark' : 'light' },
        chart: { background: 'transparent', foreColor: dark ? '#cfd3dc' : '#44475a' },
        grid: { borderColor: dark ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.08)' },
    };
}

function options(state, config) {
    const sparkline = config.sparkline === true;
    const base = {
        chart: {
            id: config.id,
            type: 'line',
            height: config.height,
            animations: { enabled: false },
            toolbar: { show: false },
            zoom: { enabled: false },
            sparkline: { enabled: sparkline },
            redrawOnParentResize: true,
            fontFamily: 'inherit',
            events: { updated: () => mark(state), mounted: () => mark(state) },
        },
        series: seriesData(state),
        colors: state.series.map(s => s.colour),
        stroke: { width: sparkline ? 1.5 : 2, curve: 'straight' },
        markers: { size: 0 },
        dataLabels: { enabled: false },
        legend: { show: !sparkline && state.series.length > 1, position: 'top', horizontalAlign: 'left' },
        xaxis: {
            type: 'datetime',
            max: axisMax(state),
            labels: { datetimeUTC: false },
            tooltip: { enabled: false },
        },
        yaxis: {
            min: 0,
            max: max => Math.max(max, ...state.thresholds.map(t => t.y * 1.15)),
            forceNiceScale: true,
            labels: { formatter: value => format(config.unit, value) },
        },
        tooltip: {
            x: { format: 'HH:mm:ss' },
            y: { formatter: value => format(config.unit, value) },
        },
        annotations: annotations(state),
        noData: { text: config.emptyText ?? 'Waiting for traffic…' },
    };
    const theme = themeOptions(state.dark);
    return { ...base, ...theme, chart: { ...base.chart, ...theme.chart } };
}

// Attributes the tests and the table view read: how many points and marks the chart holds now.
function mark(state) {
    state.element.dataset.points = String(state.data.reduce((n, d) => n + d.length, 0));
    state.element.dataset.marks = String(state.marks.length);
    state.element.dataset.theme = state.dark ? 'dark' : 'light';
}

function trim(state) {
    const e = state.windowMs ? extent(state) : null;
    if (!e) {
        return;
    }
    const oldest = e.newest - state.windowMs;
    for (const d of state.data) {
        let drop = 0;
        while (drop < d.length && d[drop][0] < oldest) {
            drop++;
        }
        if (drop > 0) {
            d.splice(0, drop);
        }
    }
}

function add(state, points) {
    for (const p of points) {
        const d = state.data[p.s];
        if (!d) {
            continue;
        }
        // Points arrive in time order; one that is not newer replaces the last (a second re-sent) or is dropped.
        if (d.length && d[d.length - 1][0] >= p.x) {
            if (d[d.length - 1][0] === p.x) {
                d[d.length - 1] = [p.x, p.y];
            }
            continue;
        }
        d.push([p.x, p.y]);
    }
    trim(state);
}

export function create(element, config) {
    destroy(config.id);
    const state = {
        element,
        series: config.series,
        data: config.series.map(() => []),
        marks: [...(config.marks ?? [])],
        thresholds: [...(config.thresholds ?? [])],
        dark: config.dark === true,
        windowMs: config.windowMs ?? null,
        config,
    };
    add(state, config.points ?? []);
    state.tip = document.createElement('div');
    state.tip.className = 'tsc-tip';
    state.tip.hidden = true;
    state.tip.setAttribute('role', 'tooltip');
    element.parentElement.appendChild(state.tip);
    state.chart = new ApexCharts(element, options(state, config));
    state.axisMax = axisMax(state);
    charts.set(config.id, state);
    mark(state);
    return state.chart.render();
}

export function append(id, points) {
    const state = charts.get(id);
    if (!state) {
        return;
    }
    add(state, points);
    update(state, { series: seriesData(state) });
    mark(state);
}

export function reset(id, points, marks, windowMs) {
    const state = charts.get(id);
    if (!state) {
        return;
    }
    if (windowMs !== undefined) {
        state.windowMs = windowMs;
    }
    state.data = state.series.map(() => []);
    state.marks = [...marks];
    add(state, points);
    state.chart.updateOptions(options(state, state.config), false, false);
    state.axisMax = axisMax(state);
    mark(state);
}

export function annotate(id, marks) {
    const state = charts.get(id);
    if (!state) {
        return;
    }
    state.marks.push(...marks);
    update(state, { annotations: annotations(state) });
    mark(state);
}

export function thresholds(id, values) {
    const state = charts.get(id);
    if (!state) {
        return;
    }
    state.thresholds = [...values];
    state.chart.updateOptions({ annotations: annotations(state) }, false, false);
}

export function theme(id, dark) {
    const state = charts.get(id);
    if (!state || state.dark === dark) {
        return;
    }
    state.dark = dark;
    state.chart.updateOptions(themeOptions(dark), false, false);
    mark(state);
}

// The points as a table for the "show as table" view: newest first, at most `limit` rows.
export function rows(id, limit) {
    const state = charts.get(id);
    if (!state) {
        return [];
    }
    const byTime = new Map();
    state.data.forEach((d, i) => {
        for (const [x, y] of d) {
            const row = byTime.get(x) ?? { x, values: state.series.map(() => null) };
            row.values[i] = y;
            byTime.set(x, row);
        }
    });
    return [...byTime.values()].sort((a, b) => b.x - a.x).slice(0, limit);
}

export function destroy(id) {
    const state = charts.get(id);
    if (!state) {
        return;
    }
    charts.delete(id);
    state.chart.destroy();
    state.tip.remove();
}
