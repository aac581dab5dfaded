using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CritDiff.Diffusion;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Networks;
using CritDiff.Persistence;
using Spectre.Console;

namespace CritDiff.Cli;

/// <summary>
/// <c>critdiff generate</c>: run the reverse process of a trained or exact score; exact law, samples, reweighting. Parses the
/// options into a <see cref="GenerationRequest"/> (or a <see cref="TrainingBudgetRequest"/>; a model trained on samples goes
/// to <see cref="SampleGenerateCommand"/>), runs it with the library and prints.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create(Func<bool, Output> output)
    {
        var options = new GenerateOptions();
        var command = new Command("generate",
            "Generate with the reverse SDE or probability-flow ODE of a trained model (--model) or of the exact score (--exact-score). " +
            "Reports the exact generated law (KL per site against the law at t-min and against the data, r(k) = v(k)/C(k), chi, xi2, energy), " +
            "measured observables of N samples, and with --reweight the exact importance-sampling correction. " + ModelMcmcOutput.Conventions);
        options.AddTo(command);
        command.SetAction(result =>
        {
            var o = output(result.GetValue(options.Json));
            var clock = Stopwatch.StartNew();
            // One loader for every checkpoint format; an unreadable --model is reported where the linear path reads it,
            // after the checks of the other options.
            var (trained, unreadable) = result.GetValue(options.ModelDir) is { } modelPath ? LoadModel(modelPath) : (null, null);
            if (trained is { TrainedOnSamples: true })
                return SampleGenerateCommand.Run(result, o, result.GetValue(options.ModelDir)!, trained, options);
            return RunLinear(result, o, options, clock, () => trained ?? throw unreadable!);
        });
        return command;
    }

    /// <summary>
    /// The --model checkpoint (<see cref="ModelCheckpoint"/>, any format; a train run folder stands for its checkpoint/), or the
    /// error naming --model that an unreadable one gives.
    /// </summary>
    private static (TrainedModel? Model, UsageException? Error) LoadModel(string dir)
    {
        string nested = Path.Combine(dir, "checkpoint");
        if (!File.Exists(Path.Combine(dir, "model.json")) && File.Exists(Path.Combine(nested, "model.json"))) dir = nested;
        try
        {
            return (ModelCheckpoint.Load(dir), null);
        }
        catch (InvalidDataException e)
        {
            return (null, new UsageException($"--model: {e.Message}"));
        }
    }

    private static int RunLinear(ParseResult result, Output o, GenerateOptions options, Stopwatch clock, Func<TrainedModel> checkpoint)
    {
        if (result.GetValue(options.Reference) is not null)
        {
            if (result.GetValue(options.ModelDir) is not null) checkpoint(); // an unreadable --model is the error to report
            throw new UsageException("--data applies to models trained with --mode samples (a linear model's generated law is exact)");
        }
        CommonOptions.RefuseUnless(result, false, "applies only with a --model trained with --mode samples (the per-mode path's law is exact; --reweight uses it)",
            options.LogDensity, options.Denoise, options.WeightsFile);
        // --train-budget reports the exact KL of the trained laws: it draws no samples and builds its own score.
        CommonOptions.RefuseUnless(result, result.GetValue(options.Budget) is null,
            "does not apply with --train-budget (it reports the exact KL per site of each trained law and draws no samples); drop it or drop --train-budget",
            options.Count, options.File, options.Reweight, options.ModelDir, options.Exact);
        var sampler = LinearSampler(result.GetValue(options.Sampler)!);
        int k = Limits.Count("--steps", result.GetValue(options.Steps), 1, Limits.MaxReverseSteps);
        int n = result.GetValue(options.Count);
        if (n < 0) throw new UsageException($"--n must be >= 0 (got {n})");
        bool reweight = result.GetValue(options.Reweight);
        if (reweight && n < 4) throw new UsageException($"--reweight needs --n >= 4 (got {n})");
        string? path = result.GetValue(options.File) is { } f ? CommonOptions.CheckWritableFile("--out", f) : null;
        if (path is not null && n < 1) throw new UsageException("--out needs --n >= 1");
        int workers = CommonOptions.CheckThreads(result.GetValue(options.Threads));
        bool interpolate = result.GetValue(options.Interp);

        if (result.GetValue(options.Budget) is { } budgetText)
            return Budget(o, result, options, budgetText, sampler, k, interpolate, workers, clock);

        if (result.GetValue(options.Arch) is not null)
            throw new UsageException("--arch applies only with --train-budget (a --model checkpoint has its own architecture)");
        CommonOptions.RefuseUnless(result, !result.GetValue(options.Exact) || result.GetValue(options.Slices) is not null,
            "applies only with --slices N or a --model checkpoint (the continuous exact score has no slices to interpolate between); drop it or add --slices N", options.Interp);
        var (field, process, score, (stop, start)) = Source(result, options, checkpoint, interpolate);
        if ((double)n * field.Lattice.SiteCount > Array.MaxLength)
            throw new UsageException($"--n: N x V = {(double)n * field.Lattice.SiteCount:G3} values do not fit in one array (max {Array.MaxLength})");
        // The samples and the reverse process's per-sample Fourier state.
        Limits.Memory("--n", 24.0 * n * field.Lattice.SiteCount, $"N = {n} samples on V = {field.Lattice.SiteCount} sites");
        var request = new GenerationRequest(field, process, score, options.Settings(result, sampler, k, start, stop, process), n, result.GetValue(options.Seed))
        {
            Reweight = reweight,
            SamplesPath = path,
        };
        if (n > 0) o.Note($"generating {n} samples with {sampler.Name}, {k} steps, t from {start:G4} to {stop:G4} ...");
        var outcome = GenerationRun.Run(request, workers);
        foreach (string warning in GenerationRun.Warnings(request, outcome)) o.Note("warning: " + warning);
        if (o.Json)
        {
            o.WriteJson(GenerationRun.Summary(request, outcome, clock.Elapsed.TotalSeconds));
            return 0;
        }
        var table = new Table().AddColumn("quantity").AddColumn("value");
        foreach (var (quantity, value) in GenerationRun.ScalarRows(request, outcome)) table.AddRow(quantity, value);
        var console = ModelCommand.Console(o);
        console.Write(table);
        var observables = new Table().AddColumns(GenerationRun.ObservableColumns.ToArray());
        foreach (string[] row in GenerationRun.ObservableRows(request, outcome)) observables.AddRow(row);
        console.Write(observables);
        return 0;
    }

    private static int Budget(Output o, ParseResult result, GenerateOptions options, string budgetText, Sampler sampler,
        int k, bool interpolate, int workers, Stopwatch clock)
    {
        var budgets = NumericOptions.Items("--train-budget", budgetText)
            .Select(b => NumericOptions.TryInteger(b, out int x) && x >= 0 && x <= Limits.MaxSteps ? x
                : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--train-budget must be a comma-separated list of step counts in 0..{Limits.MaxSteps} (got '{b}')"))).ToArray();
        if (budgets.Length == 0) throw new UsageException("--train-budget must list at least one step count");
        if (result.GetValue(options.Model.Dimension) == 0) throw new UsageException("--train-budget needs the model options --d, --L and one parameterisation");
        var field = options.Model.Build(result);
        var process = options.Noise.Process(result, result.GetValue(options.Schedule)!, () => NoiseRange.FromSpectrum(field.SpectrumTable()));
        var architecture = GenerateOptions.Parse("--arch", result.GetValue(options.Arch) ?? NetworkCatalog.OneLayer.Name, NetworkCatalog.ParseMomentArchitecture);
        if (architecture.IsDense) throw new UsageException("--arch dense: generation needs a convolution architecture");
        GenerateOptions.Checked("--arch " + architecture.Name, () => architecture.Validate(field.Lattice));
        double low = result.GetValue(options.TMin) ?? 1e-3;
        double high = GenerateOptions.FinalTime(result.GetValue(options.TMax), process, () => field.Susceptibility)
                      ?? process.AutoFinalTime(field.Susceptibility, 1e-3);
        int n = Limits.Count("--slices", result.GetValue(options.Slices) ?? 16, 2, Limits.MaxSlices);
        GenerateOptions.CheckTimes(low, high);
        Limits.Training("--arch", architecture, field.Lattice, n, Limits.Workers(workers), Math.Max(1, budgets.Max()), "--train-budget");
        double parameters = architecture.Layers.Sum(layer => (double)layer.ParameterCount(field.Lattice));
        Limits.Memory("--train-budget", 8.0 * budgets.Distinct().Count() * n * parameters, $"snapshots of {n} slice(s) at {budgets.Distinct().Count()} budget(s)");
        var request = new TrainingBudgetRequest(field, process, architecture, options.Settings(result, sampler, k, high, low, process), n, budgets, interpolate);
        o.Note($"training {architecture} on {field.Lattice}, {n} slices, budgets {string.Join(",", budgets)} ...");
        var points = TrainingBudgetRun.Run(request, workers);
        if (o.Json)
        {
            o.WriteJson(TrainingBudgetRun.Summary(request, points, clock.Elapsed.TotalSeconds));
            return 0;
        }
        var table = new Table().AddColumn("train steps").AddColumn("KL/site (vs t_min law)").AddColumn("KL/site (vs data)").AddColumn("r min").AddColumn("r max");
        foreach (var p in points)
            table.AddRow(p.Steps.ToString(CultureInfo.InvariantCulture), Output.Format(p.KlPerSite), Output.Format(p.KlPerSiteVsData),
                Output.Format(p.RatioMin), Output.Format(p.RatioMax));
        ModelCommand.Console(o).Write(table);
        return 0;
    }

    /// <summary>The target, process, score multiplier and (t_min, T) of a linear checkpoint or of the exact score.</summary>
    private static (GaussianField Field, ForwardProcess Process, IFourierMultiplier Score, (double Min, double Max) Times) Source(
        ParseResult result, GenerateOptions options, Func<TrainedModel> checkpoint, bool interpolate)
    {
        string? dir = result.GetValue(options.ModelDir);
        bool useExact = result.GetValue(options.Exact);
        if ((dir is null) == !useExact) throw new UsageException("give exactly one of --model DIR and --exact-score");
        if (dir is not null) return Checkpointed(result, options, dir, checkpoint, interpolate);
        if (result.GetValue(options.Model.Dimension) == 0 || result.GetValue(options.Model.Length) == 0)
            throw new UsageException("--exact-score needs the model options --d, --L and one parameterisation");
        var field = options.Model.Build(result);
        var process = options.Noise.Process(result, result.GetValue(options.Schedule)!, () => NoiseRange.FromSpectrum(field.SpectrumTable()));
        double min = result.GetValue(options.TMin) ?? 1e-3;
        double max = GenerateOptions.FinalTime(result.GetValue(options.TMax), process, () => field.Susceptibility)
                     ?? process.AutoFinalTime(field.Susceptibility, 1e-3);
        GenerateOptions.CheckTimes(min, max);
        if (result.GetValue(options.Slices) is { } count)
        {
            Limits.Count("--slices", count, 1, Limits.MaxSlices);
            return (field, process, ScoreSchedule.ExactOnGrid(field, process, TimeGrid.LogSpaced(count, min, max), interpolate), (min, max));
        }
        return (field, process, ScoreSchedule.Exact(field, process), (min, max));
    }

    private static (GaussianField, ForwardProcess, IFourierMultiplier, (double, double)) Checkpointed(ParseResult result, GenerateOptions options,
        string dir, Func<TrainedModel> checkpoint, bool interpolate)
    {
        // A checkpoint carries its own forward process and slices: refuse options that would be ignored.
        if (result.GetResult(options.Schedule) is { Implicit: false })
            throw new UsageException("--schedule applies only with --exact-score or --train-budget (the --model checkpoint has its own process)");
        if (options.Noise.All.FirstOrDefault(option => result.GetResult(option) is not null) is { } sigma)
            throw new UsageException($"{sigma.Name} applies only with --exact-score or --train-budget (the --model checkpoint has its own noise range)");
        if (result.GetValue(options.Slices) is not null)
            throw new UsageException("--slices applies only with --exact-score or --train-budget (the --model checkpoint has its own slices)");
        var loaded = checkpoint();
        var lattice = loaded.Target.Lattice;
        int d = result.GetValue(options.Model.Dimension), l = result.GetValue(options.Model.Length);
        if ((d != 0 && d != lattice.Dimension) || (l != 0 && l != lattice.Length))
            throw new UsageException($"--model: {dir} was trained on {lattice}, not on d={(d == 0 ? lattice.Dimension : d)}, L={(l == 0 ? lattice.Length : l)}");
        var score = GenerateOptions.Checked("--model", () => loaded.MultiplierSchedule(interpolate));
        var field = loaded.GaussianTarget;
        double low = result.GetValue(options.TMin) ?? loaded.Times.Min();
        double high = GenerateOptions.FinalTime(result.GetValue(options.TMax), loaded.Process, () => field.Susceptibility) ?? loaded.Times.Max();
        GenerateOptions.CheckTimes(low, high);
        return (field, loaded.Process, score, (low, high));
    }

    /// <summary>
    /// A sampler for a linear score (exact score, linear checkpoint, --train-budget). Samplers with a corrector are kept to
    /// models trained on samples, as before the registry (the library's per-mode law covers them too).
    /// </summary>
    private static Sampler LinearSampler(string name)
    {
        var sampler = GenerateOptions.ParseSampler(name);
        if (sampler.Corrector is not null)
            throw new UsageException($"--sampler {sampler.Name} applies only with a --model trained with --mode samples; drop it or use {GenerateOptions.Names(s => s.Corrector is null, " or ")}");
        return sampler;
    }
}
