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
    /// <summary>Runs the Monte Carlo measurements of <paramref name="spec"/> and combines them with <paramref name="diffusion"/> (may be null).</summary>
    public static CostResult Run(CostSpec spec, IReadOnlyList<DiffusionCostInput>? diffusion, int threads, Action<string>? note = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var clock = Stopwatch.StartNew();
        var (rows, fits) = CostResult.Diffuse(spec, diffusion);
        var series = new List<MonteCarloCostSeries>();
        for (int k = 0; k < spec.Algorithms.Count; k++)
        {
            var algorithm = spec.Algorithms[k];
            var points = new List<MonteCarloCostPoint>();
            for (int i = 0; i < algorithm.Sizes.Count; i++)
            {
                var point = Measure(spec, algorithm.Name, algorithm.Sizes[i], algorithm.Sweeps[i], spec.Seed + (ulong)(1000 * k + i), threads, cancellation);
                note?.Invoke(FormattableString.Invariant(
                    $"cost: {point.Algorithm} L={point.Length} tau_int({point.Slowest}) {point.Tau} sweeps, {point.SecondsPerSweep * 1e3:G3} ms/sweep, cost {point.Cost.Mean * 1e3:G3} ms ({point.RunOverTau:F0} tau_int run)"));
                points.Add(point);
            }
            series.Add(new MonteCarloCostSeries(algorithm.Name, points,
                CostCombination.Fit(points.Select(p => (p.Length, p.Tau)).ToArray()),
                CostCombination.Fit(points.Select(p => (p.Length, new Stats(p.SecondsPerSweep, double.NaN))).ToArray()),
                CostCombination.Fit(points.Select(p => (p.Length, p.Cost)).ToArray())));
        }
        return new CostResult(spec, series, rows, fits, clock.Elapsed.TotalSeconds);
    }

    /// <summary>One (kernel, L): chains for tau_int, then the timing.</summary>
    public static MonteCarloCostPoint Measure(CostSpec spec, string algorithm, int length, int sweeps, ulong seed, int threads, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var model = new Phi4Model(new Lattice(2, length), 1, spec.Kappa, spec.Lambda);
        var kernel = ModelKernels.Create(algorithm, model);
        var settings = new ModelMcmcSettings(sweeps, CostAlgorithm.ThermalizationFor(sweeps), spec.Chains, seed, threads, SpectrumInterval: 0);
        var run = ModelMcmc.Run(kernel, settings, cancellation);
        var tauAbs = CombineTau(run.Series.Select(s => s.MagnetisationNorm));
        (string Name, Stats Tau)[] taus = [("M^2", run.TauMagnetisationSquared), ("|M|", tauAbs), ("E", run.TauEnergy)];
        var slowest = taus.MaxBy(t => t.Tau.Mean);
        var (repeats, wall, cpu) = Time(kernel, model, run.StepSize, seed, spec, cancellation);
        double perSweep = Median(repeats);
        return new MonteCarloCostPoint(algorithm, length, run.TauMagnetisationSquared, tauAbs, run.TauEnergy, slowest.Name, slowest.Tau, perSweep, repeats,
            CostCombination.MonteCarlo(slowest.Tau, perSweep), run.Acceptance, run.StepSize, sweeps, spec.Chains, run.Warnings)
        {
            WallSecondsPerSweep = Median(wall),
            Clock = cpu ? MonteCarloCostPoint.ThreadCpuClock : MonteCarloCostPoint.WallClock,
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
    /// Seconds per sweep of each timed repeat on this thread, by the thread's CPU clock where there is one
    /// (<see cref="ThreadCpuClock"/>; else wall time), and by wall time: a chain on its own stream (seed, chains) with the tuned
    /// step, warmed up (Wolff: its cluster-count calibration), then sweeps in doubling batches until the repeat has run at least
    /// the spec's seconds on its clock.
    /// </summary>
    private static (double[] Used, double[] Wall, bool Cpu) Time(ModelKernel kernel, Phi4Model model, double step, ulong seed, CostSpec spec,
        CancellationToken cancellation)
    {
        var chain = new ModelChain(model, seed, (ulong)spec.Chains, step);
        for (int t = 0, warm = ModelMcmc.ThermalizationFor(kernel, 20); t < warm; t++) kernel.Sweep(chain);
        bool cpu = ThreadCpuClock.Seconds() is not null;
        var used = new double[spec.TimingRepeats];
        var wall = new double[spec.TimingRepeats];
        for (int r = 0; r < used.Length; r++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            double start = ThreadCpuClock.Seconds() ?? 0, elapsed;
            long n = 0;
            for (int batch = 1; ; batch = Math.Min(2 * batch, 1 << 20))
            {
                for (int i = 0; i < batch; i++) kernel.Sweep(chain);
                n += batch;
                elapsed = cpu ? (ThreadCpuClock.Seconds() ?? double.NaN) - start : clock.Elapsed.TotalSeconds;
                if (!(elapsed < spec.TimingSeconds)) break;
            }
            wall[r] = clock.Elapsed.TotalSeconds / n;
            used[r] = cpu ? elapsed / n : wall[r];
        }
        return (used, wall, cpu);
    }

    /// <summary>The median of <paramref name="values"/>.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
