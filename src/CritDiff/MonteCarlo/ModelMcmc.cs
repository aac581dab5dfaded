using System.Diagnostics;
using System.Globalization;
using CritDiff.Fields;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Runs and measures Markov chains on a <see cref="LatticeModel"/> (finite-n O(n) spins, phi^4, or the Gaussian field
/// through its action) with any <see cref="ModelKernel"/>. Chain c uses stream (seed, c), runs in parallel with the
/// others and starts as <see cref="ModelChain"/> does (hot spins, phi = 0 otherwise); it thermalises (tuning the step size
/// during the first half for kernels with a target acceptance), then measures every sweep the observables of
/// <see cref="ConfigurationObservables"/> and every <see cref="ModelMcmcSettings.SpectrumInterval"/> sweeps the spectrum.
/// tau_int of |M|^2 and e come from <see cref="Autocorrelation.IntegratedTime"/> per chain (averaged over chains); errors
/// from blocks of b = max(1, ceil(BlockFactor max(tau_M2, tau_e))) sweeps (<see cref="ModelMcmcResult"/>). The chains are
/// compared on every measured sweep (<see cref="MonteCarlo.ChainAgreement"/>: |M| and e must agree); a disagreement is a warning.
/// </summary>
public static class ModelMcmc
{
    /// <summary>Bins of the default histogram layouts.</summary>
    public const int DefaultHistogramBins = 100;

    /// <summary>
    /// The default magnetisation histogram of <paramref name="model"/>, 100 bins: O(n) spins have |M|^2 &lt;= n, so
    /// [-1, 1] for n = 1 (M) and [0, sqrt n] for n &gt; 1 (|M|); unbounded fields (phi^4, Gaussian) get [-3, 3] and
    /// [0, 3 sqrt n], values outside counted as under- or overflow.
    /// </summary>
    public static HistogramLayout DefaultHistogram(LatticeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.Components;
        double top = (model.IsConstrained ? 1 : 3) * Math.Sqrt(n);
        return n == 1 ? new HistogramLayout(-top, top, DefaultHistogramBins) : new HistogramLayout(0, top, DefaultHistogramBins);
    }

    /// <summary>
    /// Runs the kernel <paramref name="algorithm"/> (<see cref="ModelKernels.Create"/>, with <see cref="ModelMcmcSettings.Kernel"/>)
    /// on <paramref name="model"/>.
    /// </summary>
    public static ModelMcmcResult Run(LatticeModel model, string algorithm, ModelMcmcSettings settings, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return Run(ModelKernels.Create(algorithm, model, settings.Kernel), settings, cancellation);
    }

    /// <summary>Runs <paramref name="settings"/>.Chains chains of <paramref name="kernel"/> and measures them.</summary>
    public static ModelMcmcResult Run(ModelKernel kernel, ModelMcmcSettings settings, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var model = kernel.Model;
        var observables = new ModelObservables(model);
        var series = new ModelSeries[settings.Chains];
        var spectra = new SpectrumAccumulator?[settings.Chains];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Threads, CancellationToken = cancellation };
        Parallel.For(0, settings.Chains, parallel, c =>
        {
            var chain = StartChain(kernel, settings, c, cancellation);
            (series[c], spectra[c]) = Measure(kernel, chain, observables, settings, cancellation);
        });
        double wall = clock.Elapsed.TotalSeconds;
        return Analyse(kernel, settings, series, spectra, wall);
    }

    /// <summary>
    /// Chain <paramref name="index"/> of a run, thermalised: the one chain driver of MonteCarlo (<see cref="ModelMcmc"/>,
    /// <see cref="Mcmc"/> and <see cref="EnsembleGenerator"/> start every chain here). It samples the kernel's model on
    /// stream (seed, index), starts as <see cref="ModelChain"/> does with the fixed step of the settings or the kernel's
    /// default, and runs <see cref="Thermalise"/>.
    /// </summary>
    internal static ModelChain StartChain(ModelKernel kernel, ModelMcmcSettings settings, int index, CancellationToken cancellation)
    {
        var chain = new ModelChain(kernel.Model, settings.Seed, (ulong)index, settings.Kernel?.StepSize ?? kernel.DefaultStepSize);
        Thermalise(kernel, chain, settings, cancellation);
        return chain;
    }

    /// <summary>
    /// Thermalisation: <see cref="ModelMcmcSettings.Thermalization"/> sweeps, the step size tuned towards the kernel's
    /// target acceptance during the first half (<see cref="StepSizeTuner"/>) unless the settings fix it.
    /// </summary>
    internal static void Thermalise(ModelKernel kernel, ModelChain chain, ModelMcmcSettings settings, CancellationToken cancellation)
    {
        double? target = settings.Kernel?.StepSize is null ? kernel.TargetAcceptance : null;
        int sweeps = ThermalizationFor(kernel, settings.Thermalization);
        int tuning = sweeps / 2;
        for (int t = 0; t < sweeps; t++)
        {
            cancellation.ThrowIfCancellationRequested();
            double a = kernel.Sweep(chain);
            if (target is { } goal && t < tuning) StepSizeTuner.Update(chain, a, goal, t, kernel.MaxStepSize);
        }
    }

    /// <summary>
    /// Thermalisation sweeps actually run: at least <paramref name="requested"/>, and for Wolff kernels at least
    /// <see cref="ClusterSchedule.CalibrationSweeps"/>, because their first sweeps calibrate the cluster count with a
    /// configuration-dependent stopping rule that must not be measured.
    /// </summary>
    public static int ThermalizationFor(ModelKernel kernel, int requested) =>
        kernel is SpinWolff or Phi4Wolff ? Math.Max(requested, ClusterSchedule.CalibrationSweeps) : requested;

    /// <summary>
    /// The measured sweeps of one thermalised chain (internal so that tests can measure a chain they started in a
    /// configuration of their own, e.g. a domain wall).
    /// </summary>
    internal static (ModelSeries, SpectrumAccumulator?) Measure(ModelKernel kernel, ModelChain chain, ModelObservables observables,
        ModelMcmcSettings settings, CancellationToken cancellation)
    {
        int sweeps = settings.Sweeps, interval = settings.SpectrumInterval;
        var s = ModelSeries.Allocate(sweeps, observables.Components);
        Span<double> magnetisation = stackalloc double[s.Components.Count];
        var spectrum = interval > 0 && sweeps >= interval ? new SpectrumAccumulator(observables, sweeps / interval) : null;
        double acceptance = 0;
        for (int t = 0; t < sweeps; t++)
        {
            cancellation.ThrowIfCancellationRequested();
            acceptance += kernel.Sweep(chain);
            var o = observables.Measure(chain.Configuration);
            s.MagnetisationNorm[t] = o.MagnetisationNorm;
            s.MagnetisationSquared[t] = o.MagnetisationSquared;
            s.MagnetisationFourth[t] = o.MagnetisationFourth;
            s.Order[t] = o.Order;
            s.Energy[t] = o.Energy;
            s.FirstModePower[t] = o.FirstModePower;
            if (s.Components.Count > 0)
            {
                observables.Magnetisation(chain.Configuration, magnetisation);
                for (int a = 0; a < magnetisation.Length; a++) s.Components[a][t] = magnetisation[a];
            }
            if (spectrum is not null && (t + 1) % interval == 0) spectrum.Add(chain.Configuration);
        }
        return (s with { Acceptance = acceptance / sweeps, StepSize = chain.StepSize, SiteUpdates = chain.SiteUpdates }, spectrum);
    }

    /// <summary>Estimates, warnings and the chain comparison of measured chains (internal for the tests, as <see cref="Measure"/>).</summary>
    internal static ModelMcmcResult Analyse(ModelKernel kernel, ModelMcmcSettings settings, ModelSeries[] series,
        SpectrumAccumulator?[] spectra, double wall)
    {
        var model = kernel.Model;
        var tauM2 = CombineTau(series.Select(s => s.MagnetisationSquared));
        var tauE = CombineTau(series.Select(s => s.Energy));
        double tauMax = Math.Max(tauM2.Mean, tauE.Mean);
        int block = Math.Min(Blocking.Length(tauMax, settings.BlockFactor), settings.Sweeps);
        var rows = Blocking.Rows(series, block);
        var estimates = ModelEstimates.FromRows(model.Lattice, model.Components, rows, tauMax);
        var spectrum = spectra[0] is null ? null : CombineSpectra(spectra!, block, settings, model.Components, $"{kernel.Name} chains");
        var histogram = Histogram.Of(settings.Histogram ?? DefaultHistogram(model), series.SelectMany(s => s.Order));
        double acceptance = series.Average(s => s.Acceptance);

        var (warnings, valid) = Diagnose(kernel, settings, series, estimates, rows.GetLength(0), block, tauMax, histogram);
        var agreement = ChainAgreement.OfSeries(series, model.Components);
        warnings.AddRange(agreement.Warnings);
        return new ModelMcmcResult(kernel.Name, model, settings, acceptance, series.Average(s => s.StepSize), tauM2, tauE, block,
            rows.GetLength(0), estimates, spectrum, histogram, series.Sum(s => s.SiteUpdates), wall, series, warnings, valid)
        {
            ChainAgreement = agreement,
        };
    }

    /// <summary>What makes a run doubtful, in words, and whether it is valid at all (acceptance > 0, estimates finite, >= 2 blocks).</summary>
    private static (List<string> Warnings, bool Valid) Diagnose(ModelKernel kernel, ModelMcmcSettings settings, ModelSeries[] series,
        ModelEstimates estimates, int blocks, int block, double tauMax, Histogram histogram)
    {
        var warnings = new List<string>();
        bool valid = true;
        if (series.Average(s => s.Acceptance) == 0)
        {
            warnings.Add($"acceptance is 0: the {kernel.Name} chains never moved (step size {series.Average(s => s.StepSize):G3})");
            valid = false;
        }
        foreach (var (name, value) in estimates.Named)
            if (!double.IsFinite(value.Mean))
            {
                warnings.Add($"{name} is {value.Mean} (not a number)" + (name == "xi2" ? ": chi <= G(k1), the correlation length is not resolved" : ""));
                valid = false;
            }
        if (blocks < 2)
        {
            warnings.Add($"only one block of {block} sweeps (tau_int = {tauMax:G3}): no error estimate; run more sweeps or chains");
            valid = false;
        }
        else if (blocks < 8)
            warnings.Add($"only {blocks} blocks of {block} sweeps: errors are uncertain by ~{100 / Math.Sqrt(2 * (blocks - 1)):F0}%");
        if (settings.Sweeps < 50 * tauMax)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"chains of {settings.Sweeps} sweeps are shorter than 50 tau_int = {50 * tauMax:G3}: tau_int itself may be underestimated"));
        long outside = histogram.Underflow + histogram.Overflow;
        if (outside > 0.01 * histogram.Total)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"{100.0 * outside / histogram.Total:F1}% of the magnetisation values fall outside the histogram [{histogram.Layout.Lower:G3}, {histogram.Layout.Upper:G3}]"));
        return (warnings, valid);
    }

    /// <summary>Spectrum mean over all measurements, error over blocks of accumulator bins spanning at least <paramref name="block"/> sweeps.</summary>
    private static MeasuredSpectrum CombineSpectra(SpectrumAccumulator[] spectra, int block, ModelMcmcSettings settings, int components, string source)
    {
        int bins = spectra[0].BinCount;
        double sweepsPerBin = (double)settings.Sweeps / bins;
        int binsPerBlock = (int)Math.Max(1, Math.Ceiling(block / sweepsPerBin - 1e-9));
        var blocks = new List<double[]>();
        var total = new double[spectra[0].ModeCount];
        long count = 0;
        foreach (var s in spectra) s.Blocks(binsPerBlock, blocks, total, ref count);
        var fromBlocks = MeasuredSpectrum.FromSamples(blocks.SelectMany(b => b).ToArray(), blocks.Count, components, source);
        for (int k = 0; k < total.Length; k++) total[k] /= count;
        return new MeasuredSpectrum(total, fromBlocks.Error, fromBlocks.Samples, components, source);
    }

    /// <summary>tau_int averaged over chains, error sqrt(sum err^2) / chains (Stats: Mean = tau, Error, TauInt = tau).</summary>
    internal static Stats CombineTau(IEnumerable<double[]> series)
    {
        var taus = series.Select(s => Autocorrelation.IntegratedTime(s)).ToArray();
        double tau = taus.Average(t => t.Tau);
        return new Stats(tau, Math.Sqrt(taus.Sum(t => t.TauError * t.TauError)) / taus.Length, tau);
    }
}
