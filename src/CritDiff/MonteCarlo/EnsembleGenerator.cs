using System.Diagnostics;
using System.Globalization;
using CritDiff.Fields;
using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// Collects N decorrelated configurations of a <see cref="LatticeModel"/> (training data for the diffusion models):
/// every chain starts and thermalises in the one chain driver (<see cref="ModelMcmc.StartChain"/>), runs a pilot of <see cref="EnsembleSettings.PilotSweeps"/>
/// sweeps measuring |M|^2 and e, and tau_int = max(tau_M2, tau_e) (each averaged over chains) fixes the spacing
/// s = max(1, ceil(2 tau_int)) sweeps; then each chain stores one configuration every s sweeps.
/// Why 2 tau_int: for an exponentially decaying autocorrelation with tau_exp ~ tau_int, configurations s apart have
/// rho(s) &lt;= e^-2 ~ 0.14 and the stored sequence has tau_int' ~ 0.5 + rho(s) / (1 - rho(s)) ~ 0.66, i.e. about 0.75 N
/// effective samples for N stored (<see cref="Ensemble.TauAtSpacing"/> reports the measured tau_int'). The observables'
/// errors use each one's tau_int along the stored sequences (<see cref="ModelEstimates.FromChains"/>), not independence.
/// The chains are compared (<see cref="ChainAgreement"/>, on the stored configurations or, with fewer than
/// <see cref="MinStoredForComparison"/> per chain, on the pilot); a disagreement is a warning.
/// </summary>
public static class EnsembleGenerator
{
    /// <summary>Generates an ensemble of <paramref name="model"/> with the kernel <paramref name="algorithm"/> (<see cref="ModelKernels.Create"/>).</summary>
    public static Ensemble Generate(LatticeModel model, string algorithm, EnsembleSettings settings, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return Generate(ModelKernels.Create(algorithm, model, settings.Kernel), settings, cancellation);
    }

    /// <summary>Generates the ensemble <paramref name="settings"/> asks for with <paramref name="kernel"/>.</summary>
    public static Ensemble Generate(ModelKernel kernel, EnsembleSettings settings, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var model = kernel.Model;
        int chains = settings.Chains, length = model.ConfigurationLength;
        if ((long)settings.Count * length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Count, $"N n V = {settings.Count} x {length} values do not fit in one array: write several ensembles");
        var observables = new ModelObservables(model);
        var runSettings = new ModelMcmcSettings(settings.PilotSweeps, settings.Thermalization, chains, settings.Seed,
            settings.Threads, settings.Kernel, SpectrumInterval: 0);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Threads, CancellationToken = cancellation };

        var state = new ModelChain[chains];
        var pilot = new PilotSeries[chains];
        var m2 = new double[chains][];
        var energy = new double[chains][];
        var accepted = new double[chains];
        Parallel.For(0, chains, parallel, c =>
        {
            var chain = ModelMcmc.StartChain(kernel, runSettings, c, cancellation);
            pilot[c] = PilotSeries.Allocate(settings.PilotSweeps);
            (m2[c], energy[c]) = (pilot[c].MagnetisationSquared, pilot[c].Energy);
            accepted[c] = Pilot(kernel, chain, observables, pilot[c], cancellation);
            state[c] = chain;
        });
        var tauM2 = ModelMcmc.CombineTau(m2);
        var tauE = ModelMcmc.CombineTau(energy);
        int spacing = settings.Spacing ?? Ensemble.SpacingFor(Math.Max(tauM2.Mean, tauE.Mean));

        var configurations = new double[settings.Count * length];
        var stored = new double[chains][];
        Parallel.For(0, chains, parallel, c =>
        {
            int first = Enumerable.Range(0, c).Sum(settings.CountOf), count = settings.CountOf(c);
            stored[c] = new double[count];
            accepted[c] += Collect(kernel, state[c], spacing, observables, configurations.AsSpan(first * length, count * length), stored[c], cancellation);
        });
        double wall = clock.Elapsed.TotalSeconds;
        return Assemble(kernel, settings, spacing, tauM2, tauE, stored, configurations, observables, state, accepted, wall, pilot);
    }

    /// <summary>The pilot's per-sweep series of one chain: |M|^2 and e (for tau_int), |M| and the order M (n = 1) or |M| (for the chain comparison).</summary>
    private sealed record PilotSeries(double[] MagnetisationSquared, double[] Energy, double[] MagnetisationNorm, double[] Order)
    {
        public static PilotSeries Allocate(int sweeps) => new(new double[sweeps], new double[sweeps], new double[sweeps], new double[sweeps]);
    }

    /// <summary>The pilot run: one measurement per sweep; returns the summed acceptance.</summary>
    private static double Pilot(ModelKernel kernel, ModelChain chain, ModelObservables observables, PilotSeries series,
        CancellationToken cancellation)
    {
        double accepted = 0;
        for (int t = 0; t < series.Energy.Length; t++)
        {
            cancellation.ThrowIfCancellationRequested();
            accepted += kernel.Sweep(chain);
            var o = observables.Measure(chain.Configuration);
            (series.MagnetisationSquared[t], series.Energy[t]) = (o.MagnetisationSquared, o.Energy);
            (series.MagnetisationNorm[t], series.Order[t]) = (o.MagnetisationNorm, o.Order);
        }
        return accepted;
    }

    /// <summary>Stores stored.Length configurations <paramref name="spacing"/> sweeps apart into <paramref name="destination"/>
    /// (and their |M|^2 into <paramref name="stored"/>); returns the summed acceptance.</summary>
    private static double Collect(ModelKernel kernel, ModelChain chain, int spacing, ModelObservables observables, Span<double> destination,
        double[] stored, CancellationToken cancellation)
    {
        int length = chain.Configuration.Length;
        double accepted = 0;
        for (int i = 0; i < stored.Length; i++)
        {
            for (int t = 0; t < spacing; t++)
            {
                cancellation.ThrowIfCancellationRequested();
                accepted += kernel.Sweep(chain);
            }
            chain.Configuration.CopyTo(destination.Slice(i * length, length));
            stored[i] = observables.Measure(chain.Configuration).MagnetisationSquared;
        }
        return accepted;
    }

    private static Ensemble Assemble(ModelKernel kernel, EnsembleSettings settings, int spacing, Stats tauM2, Stats tauE,
        double[][] stored, double[] configurations, ModelObservables observables, ModelChain[] state, double[] accepted, double wall,
        PilotSeries[] pilot)
    {
        var model = kernel.Model;
        int count = settings.Count, length = model.ConfigurationLength;
        var rows = new double[count, ModelEstimates.ColumnCount];
        var row = new double[ModelEstimates.ColumnCount];
        for (int i = 0; i < count; i++)
        {
            ModelEstimates.Row(observables.Measure(configurations.AsSpan(i * length, length)), row);
            for (int j = 0; j < row.Length; j++) rows[i, j] = row[j];
        }
        var estimates = ModelEstimates.FromChains(model.Lattice, model.Components, rows, stored.Select(c => c.Length).ToArray());
        Stats? tauAtSpacing = stored.All(s => s.Length >= 16) ? ModelMcmc.CombineTau(stored) : null;
        long sweeps = settings.Chains * (long)settings.PilotSweeps + (long)count * spacing;
        double acceptance = accepted.Sum() / sweeps;

        var warnings = new List<string>();
        if (acceptance == 0) warnings.Add($"acceptance is 0: the {kernel.Name} chains never moved");
        double tau = Math.Max(tauM2.Mean, tauE.Mean);
        if (settings.PilotSweeps < 50 * tau)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"pilot of {settings.PilotSweeps} sweeps is shorter than 50 tau_int = {50 * tau:G3}: tau_int and the spacing may be too small"));
        if (tauAtSpacing is { } ts && ts.Mean > 1)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"stored configurations are still correlated: tau_int at spacing {spacing} is {ts.Mean:G3} (0.5 = independent)"));
        foreach (var (name, value) in estimates.Named)
            if (!double.IsFinite(value.Mean)) warnings.Add($"{name} of the ensemble is {value.Mean}");
        var agreement = Compare(settings, stored, configurations, observables, pilot);
        warnings.AddRange(agreement.Warnings);
        return new Ensemble(model, kernel.Name, settings, spacing, tauM2, tauE, tauAtSpacing, configurations, count, estimates,
            acceptance, state.Average(c => c.StepSize), state.Sum(c => c.SiteUpdates), wall, warnings) { ChainAgreement = agreement };
    }

    /// <summary>
    /// The chain comparison (<see cref="ChainAgreement"/>) on the stored configurations when every chain holds at least
    /// <see cref="MinStoredForComparison"/> of them (what the ensemble is made of), otherwise on the pilot sweeps (each chain's
    /// |M|, e and, for n = 1, M after every pilot sweep): |M| and e strictly, the signed magnetisation for information.
    /// </summary>
    private static ChainAgreement Compare(EnsembleSettings settings, double[][] stored, double[] configurations,
        ModelObservables observables, PilotSeries[] pilot)
    {
        int n = observables.Components, length = observables.ConfigurationLength;
        var signed = ChainAgreement.SignedNames(n);
        if (stored.Any(s => s.Length < MinStoredForComparison))
        {
            var fromPilot = new List<(string, bool, IReadOnlyList<double[]>)>
            {
                ("abs_M", true, pilot.Select(p => p.MagnetisationNorm).ToArray()), ("energy", true, pilot.Select(p => p.Energy).ToArray()),
            };
            if (n == 1) fromPilot.Add(("M", false, pilot.Select(p => p.Order).ToArray()));
            return ChainAgreement.Compare("pilot sweeps", fromPilot);
        }
        int chains = stored.Length;
        var norm = new double[chains][];
        var energy = new double[chains][];
        var components = new double[signed.Count][][];
        for (int a = 0; a < signed.Count; a++) components[a] = new double[chains][];
        var magnetisation = new double[n];
        for (int c = 0, first = 0; c < chains; first += stored[c].Length, c++)
        {
            int count = stored[c].Length;
            (norm[c], energy[c]) = (new double[count], new double[count]);
            for (int a = 0; a < signed.Count; a++) components[a][c] = new double[count];
            for (int i = 0; i < count; i++)
            {
                var configuration = configurations.AsSpan((first + i) * length, length);
                var o = observables.Measure(configuration);
                (norm[c][i], energy[c][i]) = (o.MagnetisationNorm, o.Energy);
                if (signed.Count == 0) continue;
                observables.Magnetisation(configuration, magnetisation);
                for (int a = 0; a < signed.Count; a++) components[a][c][i] = magnetisation[a];
            }
        }
        var fromStored = new List<(string, bool, IReadOnlyList<double[]>)> { ("abs_M", true, norm), ("energy", true, energy) };
        for (int a = 0; a < signed.Count; a++) fromStored.Add((signed[a], false, components[a]));
        return ChainAgreement.Compare("stored configurations", fromStored);
    }

    /// <summary>
    /// Stored configurations per chain from which the chains are compared on them rather than on the pilot: 64, so that
    /// each chain's own tau_int (and hence the error of its mean) is measured on a series long enough for the window.
    /// </summary>
    public const int MinStoredForComparison = 64;
}
