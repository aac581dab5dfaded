using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CritDiff.Experiments;
using CritDiff.Generation;
using CritDiff.Persistence;
using CritDiff.Statistics;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff generate --model DIR</c> for a model trained with <c>--mode samples</c> (linear or nonlinear): real-space
/// samplers, observables against the training ensemble, and with the ODE exact log-densities and importance weights.
/// </summary>
internal static class SampleGenerateCommand
{
    public static int Run(ParseResult result, Output o, string dir, TrainedModel checkpoint, ModelOptions model, Option<bool> exact, Option<string?> arch,
        Option<string?> budget, Option<string> schedule, Option<int?> slices, Option<string> sampler, Option<int> steps,
        Option<double?> tMin, Option<string?> tMax, Option<bool> interp, Option<int> count, Option<string?> file, Option<bool> reweight,
        Option<string?> reference, Option<ulong> seed, Option<int> threads)
    {
        foreach (var (name, given) in new (string, bool)[]
        {
            ("--exact-score", result.GetValue(exact)), ("--arch", result.GetValue(arch) is not null), ("--train-budget", result.GetValue(budget) is not null),
            ("--slices", result.GetValue(slices) is not null),
        })
            if (given) throw new UsageException($"{name} does not apply to a model trained on samples ({dir})");
        var lattice = checkpoint.Target.Lattice;
        int d = result.GetValue(model.Dimension), l = result.GetValue(model.Length);
        if ((d != 0 && d != lattice.Dimension) || (l != 0 && l != lattice.Length))
            throw new UsageException($"--model: {dir} was trained on {lattice}; --d/--L say d={d}, L={l}");
        if (result.GetValue(schedule) != "vp" && result.GetValue(schedule) != checkpoint.Process.Name)
            throw new UsageException($"--schedule: the model was trained with {checkpoint.Process.Name}");
        var scheme = result.GetValue(sampler) switch
        {
            "sde-em" => RealSpaceScheme.EulerMaruyama,
            "sde-exp" => RealSpaceScheme.ExponentialIntegrator,
            "ode-heun" => RealSpaceScheme.Heun,
            "pc" => RealSpaceScheme.PredictorCorrector,
            var other => throw GenerateCommand.UnknownSampler(other!),
        };
        int k = Limits.Count("--steps", result.GetValue(steps), 1, Limits.MaxReverseSteps);
        int n = result.GetValue(count);
        if (n < 1) throw new UsageException($"--n must be >= 1 for a model trained on samples (its law has no closed form; got {n})");
        bool doReweight = result.GetValue(reweight);
        if (doReweight && scheme != RealSpaceScheme.Heun)
            throw new UsageException("--reweight needs --sampler ode-heun (only the probability-flow ODE gives each sample's exact log-density)");
        if (doReweight && n < 4) throw new UsageException($"--reweight needs --n >= 4 (got {n})");
        if (doReweight && checkpoint.Target.IsConstrained)
            throw new UsageException($"--reweight: {checkpoint.Target.Kind} spins are constrained to spheres and have no density on R^(nV) to reweight");
        double tLow = result.GetValue(tMin) ?? checkpoint.Times.Min();
        double tHigh = result.GetValue(tMax) switch
        {
            null => checkpoint.Times.Max(),
            "auto" => checkpoint.Process.AutoFinalTime(Chi(checkpoint), 1e-3),
            var text => NumericOptions.TryReal(text, out double x) && x > 0
                ? x : throw new UsageException($"--t-max must be auto or a number > 0 (got {text})"),
        };
        if (!(tLow > 0 && double.IsFinite(tLow))) throw new UsageException($"--t-min must be > 0 (got {tLow})");
        if (!(tHigh > tLow)) throw new UsageException($"--t-max ({tHigh:G4}) must be larger than --t-min ({tLow:G4})");
        long values = (long)n * checkpoint.Target.ConfigurationLength;
        if (values > Array.MaxLength) throw new UsageException($"--n: N x n V = {values} values do not fit in one array (max {Array.MaxLength})");
        Limits.Memory("--n", 8.0 * values * 4, $"N = {n} samples of n V = {checkpoint.Target.ConfigurationLength} values with their measurements");
        string? path = result.GetValue(file) is { } f ? CommonOptions.CheckWritableFile("--out", f) : null;
        int workers = CommonOptions.CheckThreads(result.GetValue(threads));

        var request = new SampleGenerationRequest(checkpoint, new RealSpaceSettings(scheme, k, tHigh, tLow), n, result.GetValue(seed))
        {
            Interpolate = result.GetValue(interp),
            Reweight = doReweight,
        };
        request = WithReference(request, result.GetValue(reference), checkpoint);
        o.Note($"generating {n} samples of {checkpoint.Spec.Name} ({checkpoint.Target.Describe()}) with {result.GetValue(sampler)}, {k} steps, t from {tHigh:G4} to {tLow:G4} ...");
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
        if (path is not null) NpyFile.Write(path, outcome.Samples.Samples, [n, .. checkpoint.Target.Components == 1 ? [] : new[] { checkpoint.Target.Components }, .. lattice.Shape]);
        var summary = SampleGenerationRun.Summary(request, outcome);
        summary["out"] = path;
        foreach (string warning in SampleGenerationRun.Warnings(outcome)) o.Note("warning: " + warning);
        if (o.Json) o.WriteJson(summary);
        else Print(o, summary);
        return 0;
    }

    private sealed class SampleProgress(Action<int> handler) : IProgress<int>
    {
        public void Report(int value) => handler(value);
    }

    private static double Chi(TrainedModel checkpoint) =>
        checkpoint.Summary?["data"]?["observables"]?["susceptibility"]?["value"] is JsonValue v && v.TryGetValue(out double chi) && chi > 0 ? chi
        : checkpoint.Target is Fields.GaussianField g ? g.Susceptibility
        : throw new UsageException("--t-max auto needs chi: the model has no training-ensemble value; give --t-max");

    private static SampleGenerationRequest WithReference(SampleGenerationRequest request, string? dataPath, TrainedModel checkpoint)
    {
        if (dataPath is not null)
        {
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
            return request with { Reference = observables, ReferenceMagnetisations = magnetisations, ReferenceSource = $"{dataPath} ({data.Count} configurations)" };
        }
        if (checkpoint.Summary?["data"]?["observables"] is JsonObject stored)
        {
            var observables = stored.ToDictionary(p => p.Key, p => new ValueWithError((double?)p.Value?["value"], (double?)p.Value?["error"]));
            return request with { Reference = observables, ReferenceSource = "training ensemble (Monte Carlo estimates stored with the model)" };
        }
        if (checkpoint.Target is Fields.GaussianField field)
        {
            var exactValues = new Dictionary<string, ValueWithError>
            {
                ["susceptibility"] = new(field.Susceptibility, 0),
                ["xi2"] = new(field.SecondMomentCorrelationLength, 0),
                ["energy"] = new(field.Energy, 0),
            };
            return request with { Reference = exactValues, ReferenceSource = "exact values of the Gaussian target" };
        }
        return request;
    }

    private static void Print(Output o, JsonObject summary)
    {
        var table = new Table().AddColumns("observable", "generated", "reference", "z", "reweighted", "chain");
        foreach (var (name, node) in summary["observables"]!.AsObject())
        {
            string Pair(string value, string error) => node?[value] is null ? "-" : Stats.Format((double)node[value]!, (double?)node[error]);
            table.AddRow(name, Pair("value", "error"), Pair("reference", "reference_error"),
                node?["z"] is { } z ? Output.Format((double)z) : "-", Pair("reweighted", "reweighted_error"), Pair("chain", "chain_error"));
        }
        var console = ModelCommand.Console(o);
        console.Write(table);
        var weights = summary["reweighting"]!;
        console.WriteLine((bool)weights["available"]!
            ? $"ESS/N = {Output.Format((double?)weights["ess_fraction"] ?? double.NaN)}, independence-Metropolis acceptance {Output.Format((double?)weights["metropolis_acceptance"] ?? double.NaN)}"
            : $"no reweighting: {(string?)weights["why"]}");
        if (summary["m_histogram_distance"] is { } dist) console.WriteLine($"magnetisation histogram distance (total variation) {Output.Format((double)dist)}");
    }
}
