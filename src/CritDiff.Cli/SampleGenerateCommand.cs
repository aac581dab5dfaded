using System.CommandLine;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Generation;
using CritDiff.Persistence;
using CritDiff.Statistics;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff generate --model DIR</c> for a model trained with <c>--mode samples</c> (linear or nonlinear): parses the options
/// into a <see cref="SampleGenerationRequest"/> (real-space sampler, reference observables), runs it with
/// <see cref="SampleGenerationRun"/> and prints.
/// </summary>
internal static class SampleGenerateCommand
{
    public static int Run(ParseResult result, Output o, string dir, TrainedModel checkpoint, GenerateOptions options)
    {
        foreach (var (name, given) in new (string, bool)[]
        {
            ("--exact-score", result.GetValue(options.Exact)), ("--arch", result.GetValue(options.Arch) is not null),
            ("--train-budget", result.GetValue(options.Budget) is not null), ("--slices", result.GetValue(options.Slices) is not null),
        })
            if (given) throw new UsageException($"{name} does not apply to a model trained on samples ({dir})");
        var lattice = checkpoint.Target.Lattice;
        int d = result.GetValue(options.Model.Dimension), l = result.GetValue(options.Model.Length);
        if ((d != 0 && d != lattice.Dimension) || (l != 0 && l != lattice.Length))
            throw new UsageException($"--model: {dir} was trained on {lattice}; --d/--L say d={d}, L={l}");
        string schedule = result.GetValue(options.Schedule)!;
        if (schedule != "vp" && schedule != checkpoint.Process.Name && !(schedule == GeometricVarianceExploding.Family && checkpoint.Process is GeometricVarianceExploding))
            throw new UsageException($"--schedule: the model was trained with {checkpoint.Process.Name}");
        if (options.Noise.All.FirstOrDefault(option => result.GetResult(option) is not null) is { } sigma)
            throw new UsageException($"{sigma.Name} does not apply to a trained model (its checkpoint has the noise range it was trained with: {checkpoint.Process.Name})");
        var sampler = GenerateOptions.ParseSampler(result.GetValue(options.Sampler)!);
        string weights = result.GetValue(options.Weights)!;
        if (weights is not ("ema" or "raw")) throw new UsageException($"--network-weights must be ema or raw (got '{weights}')");
        if (weights == "raw" && !checkpoint.IsTimeConditioned) throw new UsageException("--network-weights raw applies to a time-conditioned model (a per-slice model has one set of weights)");
        int k = Limits.Count("--steps", result.GetValue(options.Steps), 1, Limits.MaxReverseSteps);
        int n = result.GetValue(options.Count);
        if (n < 1) throw new UsageException($"--n must be >= 1 for a model trained on samples (its law has no closed form; got {n})");
        bool reweight = result.GetValue(options.Reweight);
        if (reweight && !sampler.CarriesLogDensity && !sampler.CarriesPathWeight)
            throw new UsageException($"--reweight needs --sampler {GenerateOptions.Names(s => s.CarriesLogDensity || s.CarriesPathWeight, " or ")} (the probability-flow ODE's log-density, or the path weights of a Gaussian stochastic step without a corrector)");
        var outputs = SampleOutputs(result, options, checkpoint, sampler, reweight);
        if (reweight && n < 4) throw new UsageException($"--reweight needs --n >= 4 (got {n})");
        if (reweight && checkpoint.Target.IsConstrained)
            throw new UsageException($"--reweight: {checkpoint.Target.Kind} spins are constrained to spheres and have no density on R^(nV) to reweight");
        double tLow = result.GetValue(options.TMin) ?? checkpoint.Times.Min();
        double tHigh = GenerateOptions.FinalTime(result.GetValue(options.TMax), checkpoint.Process, () => SampleGenerationRun.Susceptibility(checkpoint)
            ?? throw new UsageException("--t-max auto needs chi: the model has no training-ensemble value; give --t-max")) ?? checkpoint.Times.Max();
        GenerateOptions.CheckTimes(tLow, tHigh);
        long values = (long)n * checkpoint.Target.ConfigurationLength;
        if (values > Array.MaxLength) throw new UsageException($"--n: N x n V = {values} values do not fit in one array (max {Array.MaxLength})");
        Limits.Memory("--n", 8.0 * values * 4, $"N = {n} samples of n V = {checkpoint.Target.ConfigurationLength} values with their measurements");
        string? path = result.GetValue(options.File) is { } f ? CommonOptions.CheckWritableFile("--out", f) : null;
        int workers = CommonOptions.CheckThreads(result.GetValue(options.Threads));

        var request = new SampleGenerationRequest(checkpoint, options.Settings(result, sampler, k, tHigh, tLow, checkpoint.Process), n, result.GetValue(options.Seed))
        {
            Interpolate = result.GetValue(options.Interp),
            AverageWeights = weights == "ema",
            Reweight = reweight,
            SamplesPath = path,
            Options = outputs.Options,
            WeightsPath = outputs.WeightsPath,
        };
        request = result.GetValue(options.Reference) is { } data ? WithData(request, data) : SampleGenerationRun.WithDefaultReference(request);
        o.Note($"generating {n} samples of {checkpoint.Spec.Name} ({checkpoint.Target.Describe()}) with {result.GetValue(options.Sampler)}, {k} steps, t from {tHigh:G4} to {tLow:G4} ...");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long lastNote = 0;
        var progress = new SampleProgress(done =>
        {
            long now = clock.ElapsedMilliseconds;
            if (now - Interlocked.Read(ref lastNote) < 10_000) return;
            Interlocked.Exchange(ref lastNote, now);
            o.Note(FormattableString.Invariant($"  {done}/{n} samples (elapsed {clock.Elapsed.TotalSeconds:F0} s)"));
        });
        var outcome = SampleGenerationRun.Run(request, workers, progress);
        foreach (string warning in SampleGenerationRun.Warnings(request, outcome)) o.Note("warning: " + warning);
        if (o.Json) o.WriteJson(SampleGenerationRun.Summary(request, outcome));
        else Print(o, request, outcome);
        return 0;
    }

    /// <summary>--log-density (exact with --reweight alone; path weights with --reweight and sde-em or sde-exp), --denoise and --weights-file, checked against each other.</summary>
    private static (RealSpaceOptions Options, string? WeightsPath) SampleOutputs(ParseResult result, GenerateOptions options, TrainedModel checkpoint,
        Sampler sampler, bool reweight)
    {
        var method = result.GetValue(options.LogDensity) is { } text ? GenerateOptions.Parse("--log-density", text, TraceEstimator.Parse) : null;
        if (method is not null && !sampler.CarriesLogDensity)
            throw new UsageException($"--log-density needs --sampler {GenerateOptions.Names(s => s.CarriesLogDensity, " or ")} (only the probability-flow ODE has a tractable density)");
        bool products = checkpoint.CreateModel().HasJacobianVectorProduct;
        if (method is HutchinsonTrace or DiscreteMapDensity && !products)
            throw new UsageException($"--log-density {method.Name}: the network {checkpoint.Spec.Name} offers no Jacobian-vector product; use --log-density exact");
        int width = checkpoint.Target.ConfigurationLength;
        if (method is DiscreteMapDensity && width > DiscreteMapDensity.HardMaxWidth)
            throw new UsageException($"--log-density discrete: n V = {width} exceeds {DiscreteMapDensity.HardMaxWidth} (a dense n V x n V Jacobian per sample and step); use --log-density exact");
        bool path = reweight && sampler.CarriesPathWeight;
        // --reweight with the ODE: the discrete map's exact density where n V allows, else the trapezoid (with the K -> 2K check).
        method ??= reweight && !path ? (products && width <= DiscreteMapDensity.MaxWidth ? TraceEstimator.Discrete : TraceEstimator.Exact) : null;
        bool denoise = result.GetValue(options.Denoise);
        if (denoise && (method is not null || path))
            throw new UsageException("--denoise: the final denoising step does not carry log q; drop --denoise or drop --reweight and --log-density");
        string? weights = null;
        if (result.GetValue(options.WeightsFile) is { } file)
        {
            if (method is null && !path) throw new UsageException("--weights-file needs log q: add --log-density exact|discrete|hutchinson[:P] (with --sampler ode-heun) or --reweight");
            weights = CommonOptions.CheckWritableFile("--weights-file", file);
        }
        return (new RealSpaceOptions(method, denoise, path), weights);
    }

    private sealed class SampleProgress(Action<int> handler) : IProgress<int>
    {
        public void Report(int value) => handler(value);
    }

    /// <summary>The request with the observables and magnetisations of the --data ensemble as its reference.</summary>
    private static SampleGenerationRequest WithData(SampleGenerationRequest request, string dataPath)
    {
        var checkpoint = request.Model;
        if (!File.Exists(dataPath)) throw new UsageException($"--data: file '{dataPath}' does not exist");
        EnsembleData data;
        try
        {
            data = File.Exists(EnsembleFile.SideCarPath(dataPath)) ? EnsembleFile.Read(dataPath) : EnsembleFile.ReadBare(dataPath, checkpoint.Target.Lattice.Dimension);
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or IOException)
        {
            throw new UsageException($"--data: {dataPath}: {e.Message.Split('\n')[0]}");
        }
        if (data.Lattice != checkpoint.Target.Lattice || data.Components != checkpoint.Components)
            throw new UsageException($"--data: {dataPath} holds n = {data.Components} on {data.Lattice}; the model is n = {checkpoint.Components} on {checkpoint.Target.Lattice}");
        if (data.Model?.Mismatch(checkpoint.Target) is { } why) throw new UsageException($"--data: {dataPath}: {why}");
        DataValues.Check("--data", dataPath, data.Configurations);
        var (observables, magnetisations) = SampleGenerationRun.Reference(checkpoint.Target, data);
        return request with
        {
            Reference = observables, ReferenceMagnetisations = magnetisations, ReferenceSource = $"{dataPath} ({data.Count} configurations)",
            ReferenceTwoPoint = GeneratedTwoPoint.Reference(checkpoint.Target, data),
        };
    }

    private static void Print(Output o, SampleGenerationRequest request, SampleGenerationOutcome outcome)
    {
        var table = new Table().AddColumns("observable", "generated", "reference", "z", "reweighted", "chain");
        foreach (var row in SampleGenerationRun.ObservableRows(request, outcome))
        {
            static string Pair(double? value, double? error) => value is { } v ? Stats.Format(v, error) : "-";
            table.AddRow(row.Name, Pair(row.Value, row.Error), Pair(row.Reference, row.ReferenceError),
                row.Z is { } z ? Output.Format(z) : "-", Pair(row.Reweighted, row.ReweightedError), Pair(row.Chain, row.ChainError));
        }
        var console = ModelCommand.Console(o);
        console.Write(table);
        console.WriteLine(outcome.Weights is { } w
            ? $"ESS/N = {Output.Format(Finite(w.EffectiveSampleFraction))}, independence-Metropolis acceptance {Output.Format(Finite(w.MetropolisAcceptance))}"
            : $"no reweighting: {outcome.WeightsUnavailable}");
        if (outcome.Samples.LogDensity is { } logQ)
            console.WriteLine($"log q ({(outcome.Samples.PathWeights ? "path" : outcome.Samples.LogDensityMethod?.Name)}): mean {Output.Format(Finite(logQ.Average()))}" +
                (outcome.Samples.LogDensityError is { } e ? $", standard error per sample {Output.Format(Finite(e.Average()))} on average" : ""));
        if (outcome.Refinement is { } r)
            console.WriteLine($"K -> 2K check of the trapezoid log q: sd of the log-weight change {Output.Format(Finite(r.LogWeightSpread))} nats (warned above {StepRefinement.WarningSpread})");
        if (SampleGenerationRun.HistogramDistance(request, outcome) is { } dist && double.IsFinite(dist))
            console.WriteLine($"magnetisation histogram distance (total variation) {Output.Format(dist)}");
        if (outcome.TwoPointCsv is { } csv) console.WriteLine($"two-point function G(r), r = 0 .. L/2, against the reference: {csv}");
    }

    /// <summary>NaN for a non-finite value (the summary writes null there, which the table always printed as n/a).</summary>
    private static double Finite(double x) => double.IsFinite(x) ? x : double.NaN;
}
