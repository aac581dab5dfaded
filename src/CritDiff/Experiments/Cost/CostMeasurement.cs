using System.Diagnostics;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// Measures the Monte Carlo side of the cost study: for each kernel and L, <see cref="ModelMcmc"/> chains on critical phi^4
/// (step size tuned during thermalisation as <c>ensemble</c> tunes it) give tau_int of M^2, |M| and E (Sokal's window per chain,
/// <see cref="Autocorrelation"/>, averaged over chains); a separate chain with the tuned step then times sweeps on one thread
/// (median of <see cref="CostSpec.TimingRepeats"/> repeats, each at least <see cref="CostSpec.TimingSeconds"/>; by the thread's CPU
/// clock where the system has one, so that other processes on a shared machine do not inflate it, else by wall time; the wall
/// time is kept beside it). The tau_int values
/// are bit-reproducible for a seed; the seconds are wall times and vary from run to run.
/// </summary>
public static class CostMeasurement
{
    /// <summary>
    /// Runs the Monte Carlo measurements of <paramref name="spec"/> and combines them with <paramref name="diffusion"/> (may be
    /// null). Every (kernel, L) runs its chains first; the timing follows in rounds, each round timing every (kernel, L) once, so
    /// that a slow phase of a shared machine inflates all points alike rather than one.
    /// </summary>
    public static CostResult Run(CostSpec spec, IReadOnlyList<DiffusionCostInput>? diffusion, int threads, Action<string>? note = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var clock = Stopwatch.StartNew();
        var (rows, fits) = CostResult.Diffuse(spec, diffusion);
        var chains = new List<(int Algorithm, ChainRun Run)>();
        for (int k = 0; k < spec.Algorithms.Count; k++)
        {
            var algorithm = spec.Algorithms[k];
            for (int i = 0; i < algorithm.Sizes.Count; i++)
                chains.Add((k, RunChains(spec, algorithm.Name, algorithm.Sizes[i], algorithm.Sweeps[i], spec.Seed + (ulong)(1000 * k + i), threads, cancellation)));
        }
        var timers = chains.Select(c => new SweepTimer(c.Run.Kernel, c.Run.Result.StepSize, c.Run.Result.Settings.Seed, spec.Chains)).ToArray();
        for (int r = 0; r < spec.TimingRepeats; r++)
            foreach (var timer in timers)
            {
                cancellation.ThrowIfCancellationRequested();
                timer.Repeat(spec.TimingSeconds);
            }
        var series = new List<MonteCarloCostSeries>();
        for (int k = 0; k < spec.Algorithms.Count; k++)
        {
            var points = chains.Select((c, j) => (c, j)).Where(x => x.c.Algorithm == k).Select(x => Point(x.c.Run, timers[x.j])).ToArray();
            foreach (var point in points)
                note?.Invoke(FormattableString.Invariant(
                    $"cost: {point.Algorithm} L={point.Length} tau_int({point.Slowest}) {point.Tau} sweeps, {point.SecondsPerSweep * 1e3:G3} ms/sweep, cost {point.Cost.Mean * 1e3:G3} ms ({point.RunOverTau:F0} tau_int run)"));
            series.Add(new MonteCarloCostSeries(spec.Algorithms[k].Name, points,
                CostCombination.Fit(points.Select(p => (p.Length, p.Tau)).ToArray()),
                CostCombination.Fit(points.Select(p => (p.Length, new Stats(p.SecondsPerSweep, double.NaN))).ToArray()),
                CostCombination.Fit(points.Select(p => (p.Length, p.Cost)).ToArray())));
        }
        return new CostResult(spec, series, rows, fits, clock.Elapsed.TotalSeconds);
    }

    /// <summary>One (kernel, L) with its chains measured.</summary>
    private sealed record ChainRun(ModelKernel Kernel, ModelMcmcResult Result, Stats TauAbsMagnetisation);

    /// <summary>The chains of one (kernel, L): <see cref="ModelMcmc"/> with the step tuned during thermalisation, no spectrum.</summary>
    private static ChainRun RunChains(CostSpec spec, string algorithm, int length, int sweeps, ulong seed, int threads, CancellationToken cancellation)
    {
        var model = new Phi4Model(new Lattice(2, length), 1, spec.Kappa, spec.Lambda);
        var kernel = ModelKernels.Create(algorithm, model);
        var settings = new ModelMcmcSettings(sweeps, CostAlgorithm.ThermalizationFor(sweeps), spec.Chains, seed, threads, SpectrumInterval: 0);
        var run = ModelMcmc.Run(kernel, settings, cancellation);
        return new ChainRun(kernel, run, CombineTau(run.Series.Select(s => s.MagnetisationNorm)));
    }

    /// <summary>The point of one (kernel, L): tau_int of the slowest observable, the median seconds per sweep, the cost.</summary>
    private static MonteCarloCostPoint Point(ChainRun chains, SweepTimer timer)
    {
        var run = chains.Result;
        (string Name, Stats Tau)[] taus = [("M^2", run.TauMagnetisationSquared), ("|M|", chains.TauAbsMagnetisation), ("E", run.TauEnergy)];
        var slowest = taus.MaxBy(t => t.Tau.Mean);
        double perSweep = Median(timer.Used);
        return new MonteCarloCostPoint(chains.Kernel.Name, chains.Kernel.Model.Lattice.Length, run.TauMagnetisationSquared, chains.TauAbsMagnetisation,
            run.TauEnergy, slowest.Name, slowest.Tau, perSweep, timer.Used.ToArray(), CostCombination.MonteCarlo(slowest.Tau, perSweep), run.Acceptance,
            run.StepSize, run.Settings.Sweeps, run.Settings.Chains, run.Warnings)
        {
            WallSecondsPerSweep = Median(timer.Wall),
            Clock = timer.Cpu ? MonteCarloCostPoint.ThreadCpuClock : MonteCarloCostPoint.WallClock,
        };
    }

    /// <summary>tau_int per chain averaged over chains, error sqrt(sum err^2) / chains (as <see cref="ModelMcmc"/> combines them).</summary>
    private static Stats CombineTau(IEnumerable<double[]> series)
    {
        var t = series.Select(s => Autocorrelation.IntegratedTime(s)).ToArray();
        double tau = t.Average(x => x.Tau);
        return new Stats(tau, Math.Sqrt(t.Sum(x => x.TauError * x.TauError)) / t.Length, tau);
    }

    /// <summary>
    /// Times sweeps of one kernel on the calling thread, by the thread's CPU clock where there is one (<see cref="ThreadCpuClock"/>;
    /// else wall time) and by wall time: a chain on its own stream (seed, chains) with the tuned step, warmed up (Wolff: its
    /// cluster-count calibration) before the first repeat; each repeat runs sweeps in doubling batches until it has run at least
    /// the given seconds on its clock.
    /// </summary>
    private sealed class SweepTimer(ModelKernel kernel, double step, ulong seed, int chains)
    {
        private readonly ModelChain _chain = new(kernel.Model, seed, (ulong)chains, step);
        private bool _warm;

        public bool Cpu { get; } = ThreadCpuClock.Seconds() is not null;

        public List<double> Used { get; } = [];

        public List<double> Wall { get; } = [];

        public void Repeat(double seconds)
        {
            if (!_warm)
            {
                for (int t = 0, warm = ModelMcmc.ThermalizationFor(kernel, 20); t < warm; t++) kernel.Sweep(_chain);
                _warm = true;
            }
            var clock = Stopwatch.StartNew();
            double start = ThreadCpuClock.Seconds() ?? 0, elapsed;
            long n = 0;
            for (int batch = 1; ; batch = Math.Min(2 * batch, 1 << 20))
            {
                for (int i = 0; i < batch; i++) kernel.Sweep(_chain);
                n += batch;
                elapsed = Cpu ? (ThreadCpuClock.Seconds() ?? double.NaN) - start : clock.Elapsed.TotalSeconds;
                if (!(elapsed < seconds)) break;
            }
            Wall.Add(clock.Elapsed.TotalSeconds / n);
            Used.Add(Cpu ? elapsed / n : Wall[^1]);
        }
    }

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
